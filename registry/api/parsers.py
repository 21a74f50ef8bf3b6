"""Request bodies as JSON, refused with a 400 when nested deeper than any request of this API needs.

Python's decoder recurses once per level, so a body of a few thousand nested brackets raised RecursionError
(a 500) on every endpoint that takes JSON; bodies nested past MAX_DEPTH are refused before they reach a
serializer.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32


def _depth(document) -> int:
    deepest, stack = 0, [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                break
            stack.extend((child, depth + 1) for child in (value.values() if isinstance(value, dict) else value))
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            document = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(f"JSON nested more than {MAX_DEPTH} levels deep.") from error
        if _depth(document) > MAX_DEPTH:
            raise ParseError(f"JSON nested more than {MAX_DEPTH} levels deep.")
        return document
