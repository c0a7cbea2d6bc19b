"""Read the forms a page offers (their fields and the values a browser would send)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    multiple: bool = False
    checked: bool = False


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list[Field] = field(default_factory=list)

    def names(self) -> list[str]:
        """Every name the form can send, named submit buttons included (a language switcher's
        buttons, the admin's "save and continue")."""
        seen = []
        for f in self.fields:
            if f.name not in seen and f.kind not in ("reset", "image"):
                seen.append(f.name)
        return seen

    def options(self) -> dict[str, list[str]]:
        """The values the page offers for each name: a select's options, the values of its
        radio buttons, checkboxes and submit buttons."""
        offered: dict[str, list[str]] = {}
        for f in self.fields:
            if f.kind == "select":
                offered.setdefault(f.name, []).extend(f.options)
            elif f.kind in ("radio", "checkbox", "submit"):
                offered.setdefault(f.name, []).append(f.value)
        return {name: values for name, values in offered.items() if values}

    def defaults(self) -> dict[str, list[str]]:
        """What a browser sends untouched: values, checked boxes, each select's first option,
        and the first submit button's name and value (as if it was clicked)."""
        data: dict[str, list[str]] = {}
        clicked = False
        for f in self.fields:
            if f.kind in ("submit", "button"):
                if not clicked:
                    data.setdefault(f.name, []).append(f.value)
                    clicked = True
                continue
            if f.kind in ("reset", "image", "file"):
                continue
            if f.kind in ("checkbox", "radio") and not f.checked:
                continue
            if f.kind == "select":
                value = f.value or (f.options[0] if f.options else "")
                data.setdefault(f.name, []).append(value)
                continue
            data.setdefault(f.name, []).append(f.value)
        return data


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = Form(
                a.get("action", ""), a.get("method", "get").lower(), a.get("enctype", "")
            )
            self.forms.append(self._form)
        if self._form is None or (not a.get("name") and tag != "option"):
            return
        if tag == "button":
            kind = a.get("type", "submit").lower()
            if kind in ("submit", "button"):
                self._form.fields.append(Field(a["name"], "submit", a.get("value", "")))
        elif tag == "input":
            kind = a.get("type", "text").lower()
            self._form.fields.append(
                Field(a["name"], kind, a.get("value", ""), checked="checked" in a)
            )
        elif tag == "select":
            self._select = Field(a["name"], "select", multiple="multiple" in a)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select.options.append(value)
            if "selected" in a and not self._select.value:
                self._select.value = value
        elif tag == "textarea":
            self._textarea = Field(a["name"], "textarea")
            self._form.fields.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_in(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    return parser.forms
