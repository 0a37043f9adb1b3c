"""What GetMetricData and ListMetrics of the local AWS share: CloudWatch's exceptions and the
opaque ``NextToken`` (encoded, decoded, refused when invalid)."""

from __future__ import annotations

import base64
import binascii
import json


def cloudwatch_exceptions():
    from moto.cloudwatch import exceptions as exc

    return exc


def invalid_next_token():
    exc = cloudwatch_exceptions()

    class InvalidNextToken(exc.CloudWatchException):
        code = "InvalidNextToken"

    return InvalidNextToken("The service returned an invalid NextToken.")


def encode_token(payload: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()


def decode_token(token: str) -> dict:
    try:
        payload = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, binascii.Error, UnicodeError):
        raise invalid_next_token() from None
    if not isinstance(payload, dict):
        raise invalid_next_token()
    return payload
