"""Articles from the web: a feed, a sitemap or a page fetched over HTTP(S).

Every fetch has a timeout (per read, and six of them for the whole body) and a size
limit, follows redirects only to http(s) URLs, and fails with one sentence
(FetchError). What comes back is read by its content (index/ingest/formats): a feed
or a WordPress export gives one article per item, a page one article, a sitemap
(`<urlset>`, or a `<sitemapindex>` of them) the pages it lists, fetched one by one (at
most `max_pages`). Each article's id is its URL (a feed item's link, else its guid),
so fetching again finds what is already indexed: items whose id is in `known` are not
fetched or returned again.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable, Container
from dataclasses import dataclass, replace
from urllib.parse import urljoin, urlparse

from index.errors import NewsbotError
from index.ingest import formats
from index.ingest.formats.xmlsafe import BadXML, UnsafeXML, local, parse
from index.models import ArticleText, Problem

USER_AGENT = "newsbot/0.1 (newsroom archive indexer)"
READ_BUDGET = 6  # a whole response may take this many timeouts
MAX_SITEMAPS = 20  # nested sitemaps followed from one sitemap index


class FetchError(NewsbotError):
    """A URL could not be fetched; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Limits:
    timeout: float = 10.0  # seconds for connecting and for each read
    max_bytes: int = 20_000_000  # per response
    max_pages: int = 200  # pages fetched from one sitemap


class _HttpOnly(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlparse(newurl).scheme not in ("http", "https"):
            raise FetchError(f"{req.full_url} redirects to {newurl}, which is not http(s).")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_HttpOnly())


def check_url(url: str) -> str:
    parsed = urlparse(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise FetchError(f"{url} is not an http(s) URL.")
    return url.strip()


def get(url: str, limits: Limits) -> bytes:
    """The body at `url`, or FetchError in one sentence."""
    url = check_url(url)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with _opener.open(request, timeout=limits.timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > limits.max_bytes:
                raise FetchError(_too_big(url, limits))
            data = _read(response, url, limits)
    except urllib.error.HTTPError as err:
        err.close()
        raise FetchError(
            f"Could not fetch {url}: the server answered {err.code} {err.reason}."
        ) from None
    except TimeoutError:
        raise FetchError(f"Could not fetch {url}: no answer within {limits.timeout:g} s.") from None
    except urllib.error.URLError as err:
        reason = err.reason
        why = "no answer in time" if isinstance(reason, TimeoutError) else str(reason)
        raise FetchError(f"Could not fetch {url}: {why}.") from None
    except (OSError, ValueError) as err:  # connection reset, bad status line…
        raise FetchError(f"Could not fetch {url}: {err}.") from None
    if len(data) > limits.max_bytes:
        raise FetchError(_too_big(url, limits))
    return data


def _read(response, url: str, limits: Limits) -> bytes:
    """The body, at most max_bytes + 1, within READ_BUDGET timeouts in all (a server
    dripping a byte at a time must not hold a fetch forever)."""
    deadline = time.monotonic() + READ_BUDGET * limits.timeout
    chunks, size = [], 0
    while size <= limits.max_bytes:
        chunk = response.read(min(65536, limits.max_bytes + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if time.monotonic() > deadline:
            raise FetchError(
                f"Could not fetch {url}: it took more than {READ_BUDGET * limits.timeout:g} s."
            )
    return b"".join(chunks)


def _too_big(url: str, limits: Limits) -> str:
    return (
        f"Could not fetch {url}: it is larger than {limits.max_bytes / 1e6:g} MB "
        "(NEWSBOT_FETCH_MAX_MB)."
    )


def collect(
    url: str, limits: Limits, known: Container[str], emit: Callable[[Problem], None]
) -> list[ArticleText]:
    """The articles at `url` that are not in `known` (by id, their URL). Raises
    FetchError when `url` itself can't be fetched or read; a page of a sitemap that
    can't is reported to `emit` and skipped."""
    data = get(url, limits)
    kind = formats.sniff(data, _suffix(url))
    if kind == "sitemap":
        return _sitemap(url, data, limits, known, emit)
    if kind is None:
        raise FetchError(f"{url} is not a feed, a sitemap or a web page.")
    found = []
    problems: list[Problem] = []
    for article in formats.read(kind, data, url, problems.append):
        key = article.url if kind != "html" else url
        key = key or f"{url}#{article.id.rsplit(':', 1)[-1]}"
        if key not in known:
            found.append(replace(article, id=key, path=url))
    if not found and problems and problems[0].line is None:
        raise FetchError(f"Could not read {url}: {problems[0].reason.removesuffix('; skipped')}.")
    for problem in problems:
        emit(problem)
    return found


def _suffix(url: str) -> str:
    path = urlparse(url).path
    return path[path.rfind(".") :].lower() if "." in path.rsplit("/", 1)[-1] else ""


def _sitemap(url, data, limits, known, emit) -> list[ArticleText]:
    pages: list[str] = []
    sitemaps = [url]
    seen = 0
    while sitemaps and seen < MAX_SITEMAPS:
        where = sitemaps.pop(0)
        seen += 1
        try:
            root = parse(data if where == url else get(where, limits))
        except (UnsafeXML, BadXML) as err:
            raise FetchError(f"Could not read the sitemap {where}: {err}.") from None
        except FetchError as err:
            emit(Problem(where, f"{err}; skipped"))
            continue
        locs = [
            urljoin(where, (loc.text or "").strip())
            for entry in root
            for loc in entry
            if local(loc.tag) == "loc" and (loc.text or "").strip()
        ]
        if local(root.tag) == "sitemapindex":
            sitemaps.extend(locs)
        else:
            pages.extend(locs)
    new = [p for p in dict.fromkeys(pages) if p not in known]
    if len(new) > limits.max_pages:
        emit(Problem(url, f"lists {len(new)} new pages; the first {limits.max_pages} are fetched"))
        new = new[: limits.max_pages]
    found = []
    for page in new:
        try:
            data = get(page, limits)
        except FetchError as err:
            emit(Problem(page, f"{err}; skipped"))
            continue
        for article in formats.read("html", data, page, emit):
            found.append(replace(article, id=page, path=page))
    return found
