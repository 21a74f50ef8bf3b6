"""A page with a form, for the page cache's CSRF tests."""

from django.http import HttpResponse
from django.template import RequestContext, Template
from django.urls import path

FORM = Template('<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{{ csrf_token }}"></form>')


def form_page(request):
    if request.method == "POST":
        return HttpResponse("accepted")
    return HttpResponse(FORM.render(RequestContext(request)))


urlpatterns = [path("form/", form_page)]
