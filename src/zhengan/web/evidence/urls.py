from django.urls import path

from zhengan.web.evidence import views

app_name = "evidence"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.upload_view, name="upload"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/version/", views.new_version_view, name="new_version"),
    path("<int:pk>/download/", views.download_view, name="download"),
]
