from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from approvals import admin_views as approvals_admin
from cms.sitemaps import PartnerSitemap, SpeakerSitemap
from registry.views import security as registry_security

from . import views

admin.site.site_header = "Convene back office"
admin.site.site_title = "Convene staff"
admin.site.index_title = "Back office"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("api/", include("config.api_urls")),
    # Both admins' own login pages are replaced by the one login path.
    path("admin/login/", registry_security.admin_login, name="wagtail_login_override"),
    # Wagtail's deliberate-error page answers a 500 to anyone with admin access; nobody needs it in production.
    path("admin/failwhale/", views.not_found, name="wagtail_error_test_override"),
    # Wagtail's admin password reset, throttled like allauth's.
    path("admin/password_reset/", registry_security.PasswordResetView.as_view(), name="wagtail_reset_override"),
    path("staff/login/", registry_security.admin_login, name="staff_login_override"),
    path("staff/inbox/", admin.site.admin_view(approvals_admin.inbox_view), name="approvals_inbox"),
    path("staff/reports/", include("registry.admin.reports")),
    path("staff/my-events/", include("registry.admin.my_events")),
    path("staff/events/", include("registry.admin.control_room")),
    path("staff/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/2fa/", registry_security.otp_verify, name="otp_verify"),
    path("bookings/", include("approvals.urls")),
    path("", include("registry.urls")),
    path("accounts/", include("allauth.urls")),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"pages": WagtailSitemap, "speakers": SpeakerSitemap, "partners": PartnerSitemap}},
        name="sitemap",
    ),
    path("", include("cms.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns.append(path("", include(wagtail_urls)))
