"""A share's template fields as the reader reads them (label and choice in their language)."""

from django import template

from exchange import template_language

register = template.Library()


@register.filter
def field_label(spec: dict) -> str:
    return template_language.label_of(spec)


@register.filter
def shown_in_reader_language(value, spec: dict):
    return template_language.shown_value(spec, value)
