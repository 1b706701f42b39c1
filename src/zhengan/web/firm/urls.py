from django.urls import path

from zhengan.web.firm import views

app_name = "firm"
urlpatterns = [
    path("", views.profile_view, name="profile"),
    path("edit/", views.edit_view, name="edit"),
    path("soa.xlsx", views.export_xlsx_view, name="export_xlsx"),
    path("soa.csv", views.export_csv_view, name="export_csv"),
    path("policies/", views.policies_view, name="policies"),
    path("policies/edit/", views.policies_edit_view, name="policies_edit"),
]
