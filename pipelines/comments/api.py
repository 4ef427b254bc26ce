"""HTTP to the platform APIs: dlt's REST client with retries, and the platforms' error answers
turned into one-line reasons.

Rate limits are waited out as the APIs document them: HTTP 429, YouTube's 403 `rateLimitExceeded`
/ `userRateLimitExceeded` (and `quotaExceeded` when the answer says when to come back, with
Retry-After), Graph API error codes 4, 17, 32, 613 and 80001-80002. dlt's retrying session honours
Retry-After (up to `MAX_WAIT_SECONDS` per wait) and backs off exponentially otherwise. Expired or
revoked credentials (YouTube HTTP 401, Graph error 190) and anything else fail at once with the
platform's own words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import requests
from dlt.sources.helpers.requests import Client
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.paginators import BasePaginator

MAX_ATTEMPTS = 6
MAX_WAIT_SECONDS = 300
YOUTUBE_RATE_LIMITS = {"rateLimitExceeded", "userRateLimitExceeded"}
GRAPH_RATE_LIMITS = {4, 17, 32, 613, 80001, 80002}
GRAPH_TOKEN_EXPIRED = 190


class CommentsApiError(Exception):
    """A platform refused or failed; the message is one line saying what to do."""


class TokenExpired(CommentsApiError):
    """The credentials are expired, revoked or wrong."""


class RateLimited(requests.HTTPError):
    """A rate-limit answer: retried by the session (an HTTPError, so Retry-After is read)."""


@dataclass(frozen=True)
class Api:
    """One platform's API: where it is, how it authenticates, and how its errors read."""

    platform: str  # youtube, facebook or instagram
    base_url: str
    headers: dict[str, str] = field(default_factory=dict)  # credentials sent with every request
    params: dict[str, str] = field(default_factory=dict)

    def pages(self, path: str, params: dict, paginator: BasePaginator, data_selector: str):
        """Every page of an endpoint; API errors become CommentsApiError with the platform's reason."""
        check = _youtube_answer if self.platform == "youtube" else _graph_answer
        try:
            yield from self._rest.paginate(
                path,
                params={**self.params, **params},
                paginator=paginator,
                data_selector=data_selector,
                hooks={"response": [check]},
            )
        except RateLimited as limited:
            raise CommentsApiError(
                f"{self.platform}: the API kept answering with a rate limit after {MAX_ATTEMPTS} "
                f"attempts ({limited}); the next run starts again from the last loaded comment"
            ) from None
        except requests.ConnectionError:
            raise CommentsApiError(f"{self.platform}: the API at {self.base_url} cannot be reached") from None

    @cached_property
    def _rest(self) -> RESTClient:
        """One client per API: building one resolves dlt's configuration (tens of ms)."""
        session = Client(
            raise_for_status=False,
            retry_condition=lambda _response, error: isinstance(error, RateLimited),
            request_max_attempts=MAX_ATTEMPTS,
            request_max_retry_delay=MAX_WAIT_SECONDS,
            request_backoff_factor=1,
            respect_retry_after_header=True,
        ).session
        session.headers.update(self.headers)
        return RESTClient(base_url=self.base_url, session=session)


def _error_body(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body.get("error") or {} if isinstance(body, dict) else {}


def _youtube_answer(response: requests.Response, *_args, **_kwargs) -> None:
    if response.ok:
        return
    error = _error_body(response)
    reasons = {e.get("reason") for e in error.get("errors", []) if isinstance(e, dict)}
    message = error.get("message") or response.reason
    retry_after = "Retry-After" in response.headers
    if (
        response.status_code == 429
        or reasons & YOUTUBE_RATE_LIMITS
        or ("quotaExceeded" in reasons and retry_after)
    ):
        raise RateLimited(f"YouTube {response.status_code} {', '.join(sorted(reasons))}", response=response)
    if "quotaExceeded" in reasons:
        raise CommentsApiError(
            "YouTube API quota for today is used up (403 quotaExceeded); it resets at midnight "
            "Pacific time and the next run loads what this one did not"
        )
    if response.status_code == 401:
        raise TokenExpired(
            f"YouTube refused the credentials (401: {message}); renew the API key or token "
            "(COMMENTS__YOUTUBE__API_KEY)"
        )
    raise CommentsApiError(f"YouTube API error {response.status_code} at {_path(response)}: {message}")


def _graph_answer(response: requests.Response, *_args, **_kwargs) -> None:
    if response.ok:
        return
    error = _error_body(response)
    code, message = error.get("code"), error.get("message") or response.reason
    if response.status_code == 429 or code in GRAPH_RATE_LIMITS:
        raise RateLimited(f"Graph API {response.status_code} code {code}", response=response)
    if code == GRAPH_TOKEN_EXPIRED or response.status_code == 401:
        raise TokenExpired(
            f"the Graph API access token is expired or revoked (error 190: {message}); make a new "
            "long-lived Page token and set it (COMMENTS__FACEBOOK__ACCESS_TOKEN / "
            "COMMENTS__INSTAGRAM__ACCESS_TOKEN)"
        )
    raise CommentsApiError(
        f"Graph API error {response.status_code} (code {code}) at {_path(response)}: {message}"
    )


def _path(response: requests.Response) -> str:
    """The endpoint without its query (which may hold a key or token)."""
    return requests.utils.urlparse(response.url).path
