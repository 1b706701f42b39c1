from django.urls import path

from zhengan.web.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("catalogue/", views.browse_view, name="browse"),
    path("catalogue/<str:control_id>/", views.control_view, name="control"),
]
