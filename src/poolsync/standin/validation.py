"""Every request is checked against the cognito-idp model first, as AWS checks it.

AWS validates each request against its service model before the operation runs: a
value longer or shorter than the model allows, outside its range, outside its enum or
not matching its pattern is refused with InvalidParameterException, "N validation
error(s) detected: ..." (amazon-archives/amazon-cognito-identity-js #388 quotes four at
once; aws/aws-cdk PR #14699 quotes one for ``schema.1.member.name``). botocore checks
only types, required members and minimums client-side (botocore/validate.py), so
everything else reaches the server. moto 5.2.1 checks none of it: a 2049-character
group description, a precedence of 2**31 or a Cyrillic client name were all accepted.

The check is poolsync's own ``shapes.request_problems`` (lengths, 32- and 64-bit
ranges, enums, Java patterns with ASCII ``\\w``/``\\s``/``\\d``); this module turns its
problems into AWS's message form. Values are never quoted (AWS quotes non-sensitive
ones): the message form is that of a sensitive member, "Value at 'password' failed to
satisfy constraint: ..." (amazon-cognito-identity-js #388).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from moto.cognitoidp.exceptions import InvalidParameterException
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.responses import BaseResponse
from moto.core.utils import camelcase_to_underscores, get_service_model

from poolsync import shapes
from poolsync.standin.resource_servers import addition

_SERVICE: Final = "cognito-idp"
_moto_call_action: Final = BaseResponse.call_action

# A botocore shape (botocore.model.Shape) of the installed botocore's model, the one
# shapes.py checks against, loaded and cached by moto's own loader
# (moto.core.utils.get_service_model): botocore stays imported by aws.py and shapes.py
# alone.
ModelShape = Any


# --- Where a problem is, in AWS's member path -----------------------------------------


@dataclass(frozen=True)
class _Location:
    """A problem's place as AWS names it.

    ``path`` is AWS's member path: members in lowerCamelCase, a structure in a list as
    ``<list>.<n>.member`` counted from 1 ("schema.1.member.name": aws/aws-cdk PR #14699;
    "userPoolId", "lambdaConfig.customMessage": aws-amplify/amplify-js #3731).
    ``element`` is set when the problem is in a string of a list or a map: AWS then
    names the list or map and lists the element's constraints ("Member must satisfy
    constraint: [...]" for CallbackURLs, aws/aws-cli #2941; "Map value must satisfy
    constraint: [...]", aws/aws-cdk #31795). ``shape`` is the shape whose constraint
    is broken.
    """

    path: str
    shape: ModelShape
    element: str | None = None


def _aws_member_name(member: str) -> str:
    """"UserPoolId" -> "userPoolId", "CallbackURLs" -> "callbackURLs"."""
    return member[:1].lower() + member[1:]


_MEMBER_STEP: Final = re.compile(r"\.([A-Za-z0-9_]+)")
_INDEX_STEP: Final = re.compile(r"\[(\d+)\]")
_KEY_BY_NUMBER: Final = re.compile(r" \(key #(\d+)\)")


def _locate(operation: str, params: Mapping[str, Any], shapes_path: str) -> _Location | None:
    """Walk the model along a ``shapes`` problem path ("CreateGroup.Description",
    "CreateUserPool.Schema[0].Name", "CreateUserPool.UserPoolTags.env"); None when the
    path leaves the model (a member the model does not have)."""
    shape = _operation_input(operation)
    if shape is None or not shapes_path.startswith(operation):
        return None
    rest = shapes_path[len(operation):]
    value: Any = params
    steps: list[str] = []
    while rest:
        if shape.type_name == "map":
            return _map_location(".".join(steps), shape, value, rest)
        member = _MEMBER_STEP.match(rest)
        index = _INDEX_STEP.match(rest)
        if shape.type_name == "structure" and member and member[1] in shape.members:
            steps.append(_aws_member_name(member[1]))
            shape = shape.members[member[1]]
            value = value.get(member[1]) if isinstance(value, Mapping) else None
            rest = rest[member.end():]
        elif shape.type_name == "list" and index:
            if shape.member.type_name != "structure":
                return _Location(".".join(steps), shape.member, "Member")
            number = int(index[1])
            steps += [str(number + 1), "member"]
            shape = shape.member
            value = value[number] if isinstance(value, list) and number < len(value) else None
            rest = rest[index.end():]
        else:
            return None
    return _Location(".".join(steps), shape) if steps else None


def _map_location(path: str, shape: ModelShape, value: Any, rest: str) -> _Location:
    """A problem in a map's key or in its value. ``shapes`` shows a value under its key
    when the key reads as a name (".env"), and any other key and any key problem by
    position (" (key #2)"): such a position is the value's when the key itself fits."""
    by_number = _KEY_BY_NUMBER.fullmatch(rest)
    if by_number and isinstance(value, Mapping):
        keys = list(value)
        number = int(by_number[1])
        key = keys[number - 1] if 0 < number <= len(keys) else None
        if not _fits(shape.key, key):
            return _Location(path, shape.key, "Map keys")
    return _Location(path, shape.value, "Map value")


def _fits(shape: ModelShape, value: Any) -> bool:
    """Whether a string fits a string shape's length, enum and pattern."""
    if not isinstance(value, str):
        return False
    meta = shape.metadata
    if len(value) < meta.get("min", 0) or len(value) > meta.get("max", len(value)):
        return False
    if "enum" in meta and value not in meta["enum"]:
        return False
    pattern = shapes.compile_pattern(meta["pattern"]) if "pattern" in meta else None
    return pattern is None or pattern.fullmatch(value) is not None


def _operation_input(operation: str) -> ModelShape | None:
    return get_service_model(_SERVICE).operation_model(operation).input_shape


# --- What is broken, in AWS's words ---------------------------------------------------


def _length_rules(meta: Mapping[str, Any]) -> Iterator[str]:
    if "max" in meta:
        yield f"Member must have length less than or equal to {meta['max']}"
    if "min" in meta:
        yield f"Member must have length greater than or equal to {meta['min']}"


def _constraints(shape: ModelShape) -> list[str]:
    """Every constraint of an element shape, in AWS's order: maximum, minimum, pattern
    ("[Member must have length less than or equal to 1024, Member must have length
    greater than or equal to 1, Member must satisfy regular expression pattern: ...]",
    aws/aws-cli #2941)."""
    meta = shape.metadata
    rules = list(_length_rules(meta))
    if "enum" in meta:
        rules.append(_enum_rule(shape))
    if "pattern" in meta:
        rules.append(_pattern_rule(shape))
    return rules


def _enum_rule(shape: ModelShape) -> str:
    """"Member must satisfy enum value set: [OPTIONAL, OFF, ON]" (rosberglinhares/
    CloudFormationCognitoCustomResources #1 quotes it for mfaConfiguration)."""
    return f"Member must satisfy enum value set: [{', '.join(shape.metadata['enum'])}]"


def _pattern_rule(shape: ModelShape) -> str:
    """"Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+" (anomalyco/
    guide #127 quotes it for userPoolId): the model's pattern as written."""
    return f"Member must satisfy regular expression pattern: {shape.metadata['pattern']}"


# The wording of shapes.request_problems, each read back into AWS's rule.
_RULES: Final[tuple[tuple[re.Pattern[str], Callable[[re.Match[str], ModelShape], str]], ...]] = (
    (re.compile(r".* is shorter than the minimum (\d+)"),
     lambda found, _: f"Member must have length greater than or equal to {found[1]}"),
    (re.compile(r".* is longer than the maximum (\d+)"),
     lambda found, _: f"Member must have length less than or equal to {found[1]}"),
    (re.compile(r".* is below the minimum (-?\d+)( \(the \d+-bit limit\))?"),
     lambda found, _: f"Member must have value greater than or equal to {found[1]}"),
    (re.compile(r".* is above the maximum (-?\d+)( \(the \d+-bit limit\))?"),
     lambda found, _: f"Member must have value less than or equal to {found[1]}"),
    (re.compile(r"the string is not one of .*"), lambda _, shape: _enum_rule(shape)),
    (re.compile(r"the string does not match the pattern .*"),
     lambda _, shape: _pattern_rule(shape)),
)
_MISSING: Final = "required member is missing"


def _rule(what: str, shape: ModelShape) -> str:
    """AWS's rule for one ``shapes`` finding; the finding itself when AWS has no rule
    for it (a wrong type or an unknown member, which botocore refuses before sending)."""
    for pattern, rule in _RULES:
        found = pattern.fullmatch(what)
        if found:
            return rule(found, shape)
    return what


def _aws_error(operation: str, params: Mapping[str, Any], problem: str) -> str:
    """One ``shapes`` problem ("<Operation>.<path>: <what>") as one AWS validation error."""
    shapes_path, _, what = problem.partition(": ")
    location = _locate(operation, params, shapes_path)
    if location is None:
        return f"Value at '{shapes_path}' failed to satisfy constraint: {what}"
    if location.element is not None:
        listed = ", ".join(_constraints(location.shape))
        return (f"Value at '{location.path}' failed to satisfy constraint: "
                f"{location.element} must satisfy constraint: [{listed}]")
    if what == _MISSING:
        # "Value null at 'sub' failed to satisfy constraint: Member must not be null"
        # (amazon-archives/amazon-cognito-auth-js #65).
        return (f"Value null at '{location.path}' failed to satisfy constraint: "
                "Member must not be null")
    return (f"Value at '{location.path}' failed to satisfy constraint: "
            f"{_rule(what, location.shape)}")


def validation_message(operation: str, params: Mapping[str, Any]) -> str | None:
    """AWS's message refusing ``params`` as ``operation``'s input, None when they fit.

    Errors are counted and joined as AWS does ("4 validation errors detected: Value at
    'password' ...; Value at 'username' ...": amazon-cognito-identity-js #388); two
    problems in the same list or map make one error there.
    """
    if not shapes.known_operation(operation):
        return None
    problems = shapes.request_problems(operation, params)
    errors = list(dict.fromkeys(_aws_error(operation, params, p) for p in problems))
    if not errors:
        return None
    count = len(errors)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: {'; '.join(errors)}"


# --- The hook -----------------------------------------------------------------------


def decoded_blobs(shape: ModelShape, value: Any) -> Any:
    """``value`` (a request's JSON body below ``shape``) with each blob member as the
    bytes it stands for: the JSON protocol carries a blob as base64 text, and the model's
    limits are on the bytes (botocore ImageFileType: max 131072, the size of the image,
    not of its base64, a third longer). Text that is not base64 is left as it is."""
    kind = shape.type_name
    if kind == "blob" and isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return value
    if kind == "structure" and isinstance(value, Mapping):
        return {k: decoded_blobs(shape.members[k], v) if k in shape.members else v
                for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [decoded_blobs(shape.member, v) for v in value]
    if kind == "map" and isinstance(value, Mapping):
        return {k: decoded_blobs(shape.value, v) for k, v in value.items()}
    return value


def _request_parameters(response: Any) -> Mapping[str, Any] | None:
    """The request's JSON body (CognitoIdpResponse.parameters), None when it is not a
    JSON object: moto answers that itself."""
    try:
        parameters = json.loads(response.body or "{}")
    except ValueError:
        return None
    return parameters if isinstance(parameters, Mapping) else None


def _refusing(refusal: InvalidParameterException) -> Callable[[], Any]:
    def refuse() -> Any:
        raise refusal

    return refuse


def _checked_call_action(response: Any) -> Any:
    """``BaseResponse.call_action`` with the model check first.

    moto turns an error raised by the action method into an error response; raised
    anywhere else in call_action it escapes as a crash (moto/core/responses.py). So a
    refused request gets, on this one request's response object, an action method
    that raises the refusal: moto's own dispatch then authenticates, calls it and
    serialises the error as for any other Cognito error.
    """
    operation = response._get_action()
    parameters = _request_parameters(response)
    shape = _operation_input(operation) if shapes.known_operation(operation) else None
    if parameters is not None and shape is not None:
        parameters = decoded_blobs(shape, parameters)
    message = None if parameters is None else validation_message(operation, parameters)
    if message is not None:
        refusal = InvalidParameterException(message)
        setattr(response, camelcase_to_underscores(operation), _refusing(refusal))
    return _moto_call_action(response)


# CognitoIdpResponse inherits call_action; the override is added to it and removed
# again on uninstall, so other services' responses stay untouched.
PATCHES: Final = (addition(CognitoIdpResponse, "call_action", _checked_call_action),)
