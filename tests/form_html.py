"""Read a rendered HTML form back into the POST a browser would send for it unchanged.

Tests submit exactly what a page rendered, so a field the template fails to
fill in (a checkbox not ticked, an option not selected) shows up as a change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class RenderedForm:
    action: str
    method: str
    enctype: str
    # (name, value) pairs in document order, as a browser submits them.
    fields: list[tuple[str, str]] = field(default_factory=list)
    file_inputs: list[str] = field(default_factory=list)

    def data(self) -> dict[str, str | list[str]]:
        """The pairs as a dict for Django's test client: repeated names become lists."""
        data: dict[str, str | list[str]] = {}
        for name, value in self.fields:
            if name in data:
                current = data[name]
                data[name] = [*current, value] if isinstance(current, list) else [current, value]
            else:
                data[name] = value
        return data


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[RenderedForm] = []
        self._form: RenderedForm | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._option_text: list[str] | None = None
        self._option_value: str | None = None
        self._option_selected = False

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = RenderedForm(
                action=a.get("action", ""),
                method=a.get("method", "get").lower(),
                enctype=a.get("enctype", ""),
            )
            self.forms.append(self._form)
            return
        if self._form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            if kind == "file":
                self._form.file_inputs.append(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.fields.append((name, a.get("value", "on")))
            else:
                self._form.fields.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = (name, [])
        elif tag == "select" and name:
            self._select = (name, "multiple" in a)
            self._options = []
        elif tag == "option" and self._select:
            self._option_value = a.get("value")
            self._option_selected = "selected" in a
            self._option_text = []

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)
        if self._option_text is not None:
            self._option_text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            name, parts = self._textarea
            text = "".join(parts)
            # Browsers drop the one newline that directly follows <textarea>,
            # and send the text's line endings as CRLF.
            text = text[1:] if text.startswith("\n") else text
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
            self._form.fields.append((name, text))
            self._textarea = None
        elif tag == "option" and self._option_text is not None:
            self._close_option()
        elif tag == "select" and self._select is not None:
            if self._option_text is not None:
                self._close_option()
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]  # a single select sends its first option
            self._form.fields.extend((name, value) for value in chosen)
            self._select = None

    def _close_option(self):
        text = "".join(self._option_text or []).strip()
        value = self._option_value if self._option_value is not None else text
        self._options.append((value, self._option_selected))
        self._option_text = None


def rendered_forms(html: str) -> list[RenderedForm]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def rendered_form(html: str, *, containing: str) -> RenderedForm:
    """The one POST form on the page that has a field named ``containing``."""
    matches = [
        form
        for form in rendered_forms(html)
        if form.method == "post" and any(name == containing for name, _ in form.fields)
    ]
    assert len(matches) == 1, f"{len(matches)} POST forms with a {containing!r} field"
    return matches[0]
