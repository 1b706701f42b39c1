from django.urls import path

from zhengan.web.findings import views

app_name = "findings"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("overdue/", views.overdue_view, name="overdue"),
    path("new/", views.create_view, name="create"),
    path("import/", views.import_view, name="import"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/edit/", views.edit_view, name="edit"),
    path("<int:pk>/plan/", views.plan_view, name="plan"),
    path("<int:pk>/remediate/", views.remediate_view, name="remediate"),
    path("<int:pk>/verify/", views.verify_view, name="verify"),
    path("<int:pk>/accept-risk/", views.accept_risk_view, name="accept_risk"),
    path("follow-up/", views.followups_view, name="followups"),
    path("follow-up/new/", views.followup_create_view, name="followup_create"),
    path("follow-up/<int:pk>/", views.followup_detail_view, name="followup_detail"),
]
