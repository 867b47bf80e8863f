"""TagResource, UntagResource and ListTagsForResource, which moto 5.2.1 lacks.

Only user pools are taggable (botocore TagResource: "Assigns a set of tags to an Amazon
Cognito user pool"; the CloudFormation schema of AWS::Cognito::UserPoolClient says
``"taggable": false``). A pool's tags are the same map DescribeUserPool returns as
``UserPoolTags``; Tag/Untag change only the keys they name (botocore), unlike
UpdateUserPool, which takes the whole map.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from moto.cognitoidp.exceptions import InvalidParameterException, ResourceNotFoundError
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.responses import ActionResult, EmptyResult

from poolsync.standin.resource_servers import addition


def _pool_by_arn(backend: Any, arn: str) -> Any:
    for pool in backend.user_pools.values():
        if pool.arn == arn:
            return pool
    raise ResourceNotFoundError(f"Resource {arn} does not exist.")


# "A user pool can have as many as 50 tags" (botocore TagResource); ``aws:`` tags do not
# count (AWS tagging guide). The refusal's code is in TagResource's error list; its
# wording is the stand-in's own (UNVERIFIED).
MAX_TAGS: Final = 50


def tag_resource(backend: Any, arn: str, tags: Mapping[str, str]) -> None:
    pool = _pool_by_arn(backend, arn)
    current = dict(pool.extended_config.get("UserPoolTags") or {})
    current.update(tags)
    if sum(1 for key in current if not key.startswith("aws:")) > MAX_TAGS:
        raise InvalidParameterException(
            f"A user pool can have as many as {MAX_TAGS} tags; this request would make "
            f"{len(current)}.")
    pool.extended_config["UserPoolTags"] = current


def untag_resource(backend: Any, arn: str, keys: list[str]) -> None:
    pool = _pool_by_arn(backend, arn)
    current = dict(pool.extended_config.get("UserPoolTags") or {})
    for key in keys:
        current.pop(key, None)
    pool.extended_config["UserPoolTags"] = current


def _tag_response(response: Any) -> ActionResult:
    tag_resource(response.backend, response.parameters["ResourceArn"],
                 response.parameters.get("Tags") or {})
    return EmptyResult()


def _untag_response(response: Any) -> ActionResult:
    untag_resource(response.backend, response.parameters["ResourceArn"],
                   list(response.parameters.get("TagKeys") or []))
    return EmptyResult()


def _list_tags_response(response: Any) -> ActionResult:
    pool = _pool_by_arn(response.backend, response.parameters["ResourceArn"])
    return ActionResult({"Tags": dict(pool.extended_config.get("UserPoolTags") or {})})


PATCHES: Final = (
    addition(CognitoIdpResponse, "tag_resource", _tag_response),
    addition(CognitoIdpResponse, "untag_resource", _untag_response),
    addition(CognitoIdpResponse, "list_tags_for_resource", _list_tags_response),
)
