from django.urls import path

from zhengan.web.assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.plan_view, name="plan"),
    path("assessors/", views.assessors_view, name="assessors"),
    path("assessors/new/", views.assessor_create_view, name="assessor_create"),
    path("assessors/<int:pk>/", views.assessor_edit_view, name="assessor_edit"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/edit/", views.edit_view, name="edit"),
    path("<int:pk>/start/", views.start_view, name="start"),
    path("<int:pk>/record/", views.record_view, name="record"),
    path("<int:pk>/drill/", views.drill_view, name="drill"),
    path("<int:pk>/complete/", views.complete_view, name="complete"),
    path("<int:pk>/issue/", views.issue_view, name="issue"),
    path("<int:pk>/files/<int:item>/", views.download_view, name="download"),
]
