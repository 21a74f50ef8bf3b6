"""JWT authentication that remembers who a token's holder is between requests (see `registry.access`)."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.settings import api_settings

from .. import access


class RememberingJWTAuthentication(JWTAuthentication):
    """simplejwt's, reading the person, their permissions and organizations from the cache when it has them.

    Only active people are remembered (simplejwt refuses the rest before), and deactivating someone
    drops them, so a remembered person is active.
    """

    def get_user(self, validated_token):
        user = access.cached_user(validated_token.get(api_settings.USER_ID_CLAIM))
        if user is None:
            user = super().get_user(validated_token)
            access.remember(user)
        return user


class RememberingJWTScheme(SimpleJWTScheme):
    """Documented as simplejwt's bearer token, which it is."""

    target_class = RememberingJWTAuthentication
