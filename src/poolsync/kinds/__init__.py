"""One module per resource kind of a user pool (docs/design/resource-kinds.md): each
says how its kind is read, shaped, defaulted, replaced, written and exported. The
kinds still in children.py move here one at a time."""
