"""A URL configuration for the error-page test: the project's, plus one view that fails."""

from django.urls import path

from zhengan.web.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def broken(request):
    raise RuntimeError("secret internal detail: database password is hunter2")


urlpatterns = [*urlpatterns, path("broken/", broken)]
