"""A small independent SigV4 signer for raw requests the SDKs will not send (bad bodies, old dates)."""

import datetime
import hashlib
import hmac
import json
import urllib.error
import urllib.request


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def signed_headers(
    endpoint, key_id, secret, body: bytes, target: str, region="us-east-1", service="logs", when=None, body_hash=None,
    content_type="application/x-amz-json-1.1", path="/",
):
    when = when or datetime.datetime.now(datetime.timezone.utc)
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    date = amz_date[:8]
    host = endpoint.split("://", 1)[1]
    headers = {
        "content-type": content_type,
        "host": host,
        "x-amz-date": amz_date,
        "x-amz-target": target,
    }
    names = sorted(headers)
    canonical = "\n".join(
        ["POST", path, "", "".join(f"{n}:{headers[n]}\n" for n in names), ";".join(names), body_hash or hashlib.sha256(body).hexdigest()]
    )
    scope = f"{date}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    k = _hmac(("AWS4" + secret).encode(), date)
    for part in (region, service, "aws4_request"):
        k = _hmac(k, part)
    signature = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={key_id}/{scope}, SignedHeaders={';'.join(names)}, Signature={signature}"
    )
    return headers


def post(endpoint, headers, body: bytes, path="/"):
    """Returns (status, headers, parsed JSON body or raw text)."""
    request = urllib.request.Request(endpoint + path, data=body, method="POST")
    for k, v in headers.items():
        if k != "host":
            request.add_header(k, v)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, response_headers, raw = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        status, response_headers, raw = error.code, dict(error.headers), error.read()
    try:
        return status, response_headers, json.loads(raw)
    except ValueError:
        return status, response_headers, raw.decode(errors="replace")


def call(endpoint, key, target, body: bytes, **kwargs):
    return post(endpoint, signed_headers(endpoint, key.access_key_id, key.secret, body, target, **kwargs), body)
