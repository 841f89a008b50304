"""Reading a form out of a page the way a browser would send it."""

from __future__ import annotations

from html.parser import HTMLParser


class PostedForm(HTMLParser):
    """What a browser would send from the form posting to ``action``, as the page shows it."""

    def __init__(self, page: str, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._first = False
        self._textarea: str | None = None
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action") == self.action
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.data[a["name"]] = "y"
            else:
                self.data[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select, self._first = a["name"], True
        elif tag == "option" and self._select:
            if self._first or "selected" in a:
                self.data[self._select] = a.get("value", "")
            self._first = False
        elif tag == "textarea":
            self._textarea = a["name"]
            self.data[self._textarea] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.data[self._textarea] = (
                self.data[self._textarea].removeprefix("\r\n").removeprefix("\n")
            )
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data
