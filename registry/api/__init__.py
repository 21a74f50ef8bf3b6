"""The REST API over registry's services and selectors (mounted by `config.api_urls` under /api/v1/).

Serializers check the shape of a request; every write is one service call and
every read one selector, so the API keeps exactly the rules of the pages and admins.
"""
