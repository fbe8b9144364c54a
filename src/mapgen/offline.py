"""Make folium maps work with no network access.

folium's defaults load Leaflet, jQuery, Bootstrap, Font Awesome, ... from
CDNs; opened offline such a page is blank (``L is not defined``).  This module
inlines a pinned copy of Leaflet (``mapgen/assets``, see ``SOURCES.md``
there) and stops folium from emitting any ``<script src=...>`` /
``<link href=...>`` to a remote host.

Typical use, before rendering::

    strip_cdn_assets(m)
    m.get_root().header.add_child(Element(leaflet_head()), name="leaflet_offline")
    html = m.get_root().render()
    assert_offline(html)

(:func:`make_offline` does the first two steps.)
"""

from __future__ import annotations

import base64
import functools
import re
from typing import Iterator, List

from branca.element import CssLink, Element, Figure, JavascriptLink

from .data import asset

__all__ = ["leaflet_head", "strip_cdn_assets", "make_offline", "assert_offline"]

# Images referenced by leaflet.css as url(images/NAME) or used by L.Icon.Default.
_IMAGES = (
    "marker-icon.png",
    "marker-icon-2x.png",
    "marker-shadow.png",
    "layers.png",
    "layers-2x.png",
)

# folium.Popup builds its content with jQuery (``$(`<div>...</div>`)[0]``) and
# Map(keep_in_front) uses ``$(document).ready(fn)``.  We do not ship jQuery, so
# provide just these two forms; a real jQuery, if present, is left alone.
_JQUERY_SHIM = (
    "(function(w,d){"
    "if(typeof w.$!=='undefined'||typeof w.jQuery!=='undefined')return;"
    "function ready(fn){if(d.readyState!=='loading')fn();"
    "else d.addEventListener('DOMContentLoaded',fn);}"
    "w.$=function(x){"
    "if(typeof x==='function'){ready(x);return;}"
    "if(typeof x==='string'){var t=d.createElement('template');"
    "t.innerHTML=x.trim();return Array.prototype.slice.call(t.content.childNodes);}"
    "return{ready:function(fn){ready(fn);return this;}};"
    "};"
    "})(window,document);"
)


def _asset(name: str) -> bytes:
    return asset(name).read_bytes()


def _png_data_uri(name: str) -> str:
    return "data:image/png;base64," + base64.b64encode(_asset(name)).decode("ascii")


def _escape_script(js: str) -> str:
    """Make ``js`` safe to put between ``<script>`` and ``</script>``."""
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)


@functools.lru_cache(maxsize=None)
def _build_leaflet_head() -> str:
    css = _asset("leaflet.css").decode("utf-8")

    def _inline(match: "re.Match[str]") -> str:
        return "url(" + _png_data_uri(match.group(1)) + ")"

    css = re.sub(r"url\(\s*['\"]?images/([\w.-]+\.png)['\"]?\s*\)", _inline, css)
    if "images/" in css:
        raise RuntimeError("leaflet.css still references images/ after inlining")
    css = css.replace("</style", "<\\/style")

    js = _asset("leaflet.js").decode("utf-8")
    # The source map is not shipped; drop the comment so devtools do not try
    # to fetch it.
    js = re.sub(r"\n//# sourceMappingURL=\S*\s*$", "\n", js)
    js = _escape_script(js)

    icon_js = (
        "L.Icon.Default.imagePath='';"
        "L.Icon.Default.mergeOptions({"
        f"iconUrl:'{_png_data_uri('marker-icon.png')}',"
        f"iconRetinaUrl:'{_png_data_uri('marker-icon-2x.png')}',"
        f"shadowUrl:'{_png_data_uri('marker-shadow.png')}'"
        "});"
    )
    return (
        "<style>\n" + css + "\n</style>\n"
        "<script>\n" + js + "\n</script>\n"
        "<script>" + _escape_script(icon_js) + "</script>\n"
        "<script>" + _JQUERY_SHIM + "</script>\n"
    )


def leaflet_head() -> str:
    """HTML for ``<head>``: inlined leaflet.css + leaflet.js, no network needed.

    Contains (in order) a ``<style>`` with leaflet.css whose ``url(images/*.png)``
    are data URIs, a ``<script>`` with the minified leaflet.js, a script making
    ``L.Icon.Default`` use data-URI images, and a tiny ``$`` shim covering the
    two jQuery calls folium's templates make (Popup content, keep_in_front).
    Deterministic: the same bytes on every call.
    """
    return _build_leaflet_head()


def _is_remote(url: object) -> bool:
    return isinstance(url, str) and re.match(r"\s*(https?:)?//", url, re.I) is not None


class _OfflineHeader(Element):
    """A ``Figure.header`` that silently drops remote JS/CSS links.

    folium adds ``JavascriptLink`` / ``CssLink`` children to ``figure.header``
    at render time (``JSCSSMixin.render`` from ``default_js``/``default_css``,
    and e.g. ``VegaLite.render`` directly), so filtering here catches all of
    them, including elements added after :func:`strip_cdn_assets` ran.
    """

    def add_child(self, child, name=None, index=None):
        if isinstance(child, (JavascriptLink, CssLink)) and _is_remote(child.url):
            return self
        return super().add_child(child, name=name, index=index)


def _walk(el: Element) -> Iterator[Element]:
    seen = set()
    stack: List[Element] = [el]
    while stack:
        cur = stack.pop()
        if id(cur) in seen:
            continue
        seen.add(id(cur))
        yield cur
        stack.extend(cur._children.values())
        # Figure and Popup keep extra sub-trees outside _children.
        for attr in ("header", "html", "script"):
            sub = cur.__dict__.get(attr)
            if isinstance(sub, Element):
                stack.append(sub)


def strip_cdn_assets(m) -> None:
    """Stop folium map ``m`` (and everything in its figure) emitting CDN links.

    Call before rendering.  Two layers:

    1. every element currently in the tree that has ``default_js`` /
       ``default_css`` (``folium.Map`` and all ``JSCSSMixin`` subclasses) gets
       empty *instance* attributes, shadowing the class lists (which are
       shared and left untouched);
    2. the figure's ``header`` becomes an :class:`_OfflineHeader`, which drops
       any remote ``JavascriptLink``/``CssLink`` added to it later, and the
       ones already there are removed.

    Idempotent.  Inline ``<script>``/``<style>`` from templates are kept.
    """
    root = m.get_root()
    if not isinstance(root, Figure):
        raise TypeError(f"{m!r} is not attached to a branca Figure")
    for el in _walk(root):
        if hasattr(el, "default_js"):
            el.default_js = []
        if hasattr(el, "default_css"):
            el.default_css = []
    header = root.header
    if not isinstance(header, _OfflineHeader):
        # Keep the object (and any reference to it); only change behaviour.
        header.__class__ = _OfflineHeader
    for name, child in list(header._children.items()):
        if isinstance(child, (JavascriptLink, CssLink)) and _is_remote(child.url):
            del header._children[name]


def make_offline(m) -> None:
    """``strip_cdn_assets(m)`` and add :func:`leaflet_head` to the figure header.

    The head goes after folium's ``<meta charset>`` element (which must stay in
    the first 1024 bytes) and before every header element folium adds at
    render time, so Leaflet is defined before any map script runs.
    """
    strip_cdn_assets(m)
    m.get_root().header.add_child(Element(leaflet_head()), name="leaflet_offline")


_Q = r"""\\?["']?\s*"""  # optional (JS-escaped) quote
_REMOTE = r"""((?:https?:)?//[^"'\\\s>)]+)"""
_OFFLINE_PATTERNS = [
    re.compile(r"<(?:script|img|iframe)\b[^>]*?\bsrc\s*=\s*" + _Q + _REMOTE, re.I),
    re.compile(r"<link\b[^>]*?\bhref\s*=\s*" + _Q + _REMOTE, re.I),
    re.compile(r"url\(\s*" + _Q + _REMOTE, re.I),
    re.compile(r"@import\s+" + _Q + _REMOTE, re.I),
]


def assert_offline(html: str) -> None:
    """Raise ``ValueError`` if ``html`` would load anything from the network.

    Flags remote (``http://``, ``https://`` or protocol-relative ``//``) URLs in
    ``<script src>``, ``<img src>``, ``<iframe src>``, ``<link href>``, CSS
    ``url(...)`` and ``@import``.  URLs that are mere strings inside JS (e.g.
    tile templates ``https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png``) and
    ``<a href>`` links are allowed.
    """
    found: List[str] = []
    for pat in _OFFLINE_PATTERNS:
        for match in pat.finditer(html):
            url = match.group(1)
            if url not in found:
                found.append(url)
    if found:
        raise ValueError(
            "HTML references remote resources: " + ", ".join(found)
        )
