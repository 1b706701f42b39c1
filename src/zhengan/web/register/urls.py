from django.urls import path

from zhengan.web.register import views

app_name = "register"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.create_view, name="create"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/edit/", views.edit_view, name="edit"),
    path("<int:pk>/class/", views.override_view, name="override"),
    path("<int:pk>/incident/", views.incident_view, name="incident"),
    path("<int:pk>/decommission/", views.decommission_view, name="decommission"),
    path("<int:pk>/devices/", views.device_group_view, name="device_group"),
    path("devices/<int:pk>/delete/", views.device_group_delete_view, name="device_group_delete"),
    path("<int:pk>/sample/", views.sample_draw_view, name="sample_draw"),
    path("samples/<int:pk>/", views.sample_view, name="sample"),
    path("samples/<int:pk>/check/", views.sample_redraw_view, name="sample_redraw"),
    path("samples/<int:pk>/csv/", views.sample_csv_view, name="sample_csv"),
    path("export.csv", views.export_csv_view, name="export_csv"),
    path("export.xlsx", views.export_xlsx_view, name="export_xlsx"),
    path("import/", views.import_view, name="import"),
    path("plan/", views.plan_view, name="plan"),
    path("plan/new/", views.plan_record_view, name="plan_record"),
]
