from django.urls import path

from zhengan.web.obligations import views

app_name = "obligations"
urlpatterns = [
    path("", views.overdue_view, name="overdue"),
    path("upcoming/", views.upcoming_view, name="upcoming"),
    path("month/", views.month_view, name="month"),
    path("owners/", views.owners_view, name="owners"),
    path("o/<slug:ref>/", views.detail_view, name="detail"),
    path("o/<slug:ref>/complete/", views.complete_view, name="complete"),
    path("o/<slug:ref>/assign/", views.assign_view, name="assign"),
    path("events/", views.events_view, name="events"),
    path("events/record/", views.record_event_view, name="record_event"),
    path("feed/", views.feed_settings_view, name="feed_settings"),
    path("feed/new/", views.feed_regenerate_view, name="feed_regenerate"),
    path("feed/<int:user_id>/<str:token>.ics", views.feed_view, name="feed"),
]
