"""A tiny DOM for tests: parse a page with html.parser, then find elements and read their text."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list["Node | str"] = field(default_factory=list)

    @property
    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        return " ".join(" ".join(parts).split())

    def find_all(self, tag: str | None = None, **attrs: str) -> list["Node"]:
        """Descendants with this tag (any when None) whose attributes equal those given
        (class_ for class, data_x for data-x)."""
        wanted = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
        found: list[Node] = []
        for child in self.children:
            if isinstance(child, str):
                continue
            if (tag is None or child.tag == tag) and all(
                child.attrs.get(k) == v for k, v in wanted.items()
            ):
                found.append(child)
            found.extend(child.find_all(tag, **attrs))
        return found

    def find(self, tag: str | None = None, **attrs: str) -> "Node":
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag or '*'} {attrs}> on the page"
        return found[0]

    def has(self, tag: str | None = None, **attrs: str) -> bool:
        return bool(self.find_all(tag, **attrs))


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    return builder.root


def main_text(html: str) -> str:
    """The words of the page's <main>, whitespace squeezed."""
    return parse(html).find("main").text


def alert_text(html: str) -> str:
    return " ".join(node.text for node in parse(html).find_all(role="alert"))


def selected(select: Node) -> str | None:
    """The value of the chosen option of a <select>, as a browser would send it."""
    for option in select.find_all("option"):
        if "selected" in option.attrs:
            return option.attrs.get("value", option.text)
    return None


def path_of(url: str) -> str:
    """url_for in templates gives absolute addresses; tests compare their paths."""
    return urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")


def links_to(page: Node, path: str) -> list[Node]:
    return [a for a in page.find_all("a") if path_of(a.attrs.get("href", "")) == path]
