"""What several kinds that plan themselves (``base.Kind``) do alike: walk the entries
the file writes, read a file named next to the YAML, record a digest in a ``poolsync:``
pool tag, and give their JSON Schema a map keyed by name. One function each, so the
kinds cannot drift apart."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from poolsync.kinds.base import PlanContext
from poolsync.kinds.settings import tag_key_character
from poolsync.model import ApiCall
from poolsync.model import Path as ConfigPath

# botocore TagKeysType: at most 128 characters.
TAG_KEY_MAX = 128
# "A user pool can have as many as 50 tags" (botocore TagResource); ``aws:`` tags do not
# count (AWS tagging guide, "Tag naming limits and requirements").
MAX_TAGS = 50


def written_entries(pool: Any, key: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Each entry the file writes as a mapping under the pool's ``key`` (``rules._Pool``),
    by name; what is not a mapping is the schema's to report."""
    value = pool.parts.get(key)
    if isinstance(value, Mapping):
        for name, entry in value.items():
            if isinstance(entry, Mapping):
                yield str(name), entry


def beside_yaml(ctx: PlanContext, where: ConfigPath, file: str) -> Path:
    """``file`` as written at ``where`` (a path below the pool) of the pool ``ctx``
    plans (``file_beside``)."""
    return file_beside(getattr(ctx.cfg, "locate", None), where, file)


class OutsideFile(OSError):
    """A file a kind would read lies outside the repository of the YAML file that names
    it (readers report it as they report a file they cannot read)."""


def file_beside(locate: Any, where: ConfigPath, file: str) -> Path:
    """``file`` as written at ``where``: relative to the directory of the YAML file that
    writes it (a template's, for an entry a template writes: ``PoolConfig.locate``; the
    working directory for a config built by hand). OutsideFile when the path is absolute,
    starts with ``~``, or leads (``..``, a symbolic link) out of the repository that
    holds that YAML file (``file_root``): what a kind reads is sent to Cognito, and CSS
    is shown in plans, which pull requests post as comments, so a file such as
    ``/proc/self/environ`` or ``../../.aws/credentials`` must never be read."""
    base = Path(locate(where).file).parent if locate is not None else Path.cwd()
    if Path(file).is_absolute() or file.startswith("~"):
        raise OutsideFile(0, "a path must be relative to the YAML file that writes it")
    path = base / file
    root = file_root(base)
    if not path.resolve().is_relative_to(root.resolve()):
        raise OutsideFile(0, f"the path leads out of {root_name(root)}")
    return path


def file_root(directory: Path) -> Path:
    """The directory files named by a YAML file in ``directory`` must stay in: the git
    work tree holding it (the nearest directory with a ``.git``), else ``directory``."""
    here = directory.resolve()
    for candidate in (here, *here.parents):
        if (candidate / ".git").exists():
            return candidate
    return here


def root_name(root: Path) -> str:
    return ("the repository that holds the YAML file" if (root / ".git").exists()
            else "the directory of the YAML file")


def content_digest(data: bytes) -> str:
    """How file content is compared, recorded and shown: ``sha256:`` and the hex
    digest, never the bytes (for public content: an image, not a secret)."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def record_tag_key(prefix: str, name: str) -> str:
    """The pool tag ``<prefix><name>`` that records something of the entry ``name``.
    A client name may hold what a tag key cannot (a comma, a tab: botocore
    ClientNameType against the tag key pattern, settings.tag_key_characters), or be too
    long for the 128-character key (TagKeysType): such a name is recorded under a hash
    of it."""
    key = prefix + name
    if len(key) <= TAG_KEY_MAX and all(tag_key_character(c) for c in name):
        return key
    return f"{prefix}sha256-{hashlib.sha256(name.encode()).hexdigest()[:32]}"


def tag_call(ctx: PlanContext, tags: Mapping[str, str]) -> ApiCall:
    """TagResource on the pool (only user pools are taggable: botocore TagResource),
    named by ``PlanContext.pool_arn``."""
    return ApiCall("TagResource", {"ResourceArn": ctx.pool_arn, "Tags": dict(tags)})


def map_schema(conv: Any, description: str, values: Mapping[str, Any],
               names: str = "ClientNameType") -> dict[str, Any]:
    """The JSON Schema of a map from a name (the botocore shape ``names``: an app
    client's name unless said) to ``values``."""
    return {
        "type": "object",
        "description": description,
        "propertyNames": conv.ref(conv.model.shape_for(names)),
        "additionalProperties": dict(values),
    }


def ref(name: str) -> dict[str, str]:
    """A reference to the schema's ``$defs`` entry ``name``."""
    return {"$ref": f"#/$defs/{name}"}
