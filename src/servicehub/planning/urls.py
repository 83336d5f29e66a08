from django.urls import path

from servicehub.planning.views import board, forecast, scenarios

app_name = "planning"

urlpatterns = [
    path("", board.board, name="board"),
    path("runs/", board.run_list, name="run-list"),
    path("runs/<int:pk>/", board.run_detail, name="run-detail"),
    path("runs/<int:pk>/progress/", board.run_progress, name="run-progress"),
    path("runs/<int:pk>/cancel/", board.run_cancel, name="run-cancel"),
    path("runs/<int:pk>/accept/", board.run_accept, name="run-accept"),
    path("people/<int:pk>/", board.person_timeline, name="person-timeline"),
    path("pin/", board.pin, name="pin"),
    path("assignments/<int:pk>/unpin/", board.unpin, name="unpin"),
    path("forecast/", forecast.forecast, name="forecast"),
    path("forecast.csv", forecast.forecast_csv, name="forecast-csv"),
    path("scenarios/", scenarios.scenario_list, name="scenario-list"),
    path("scenarios/<int:pk>/", scenarios.scenario_detail, name="scenario-detail"),
    path("scenarios/<int:pk>/run/", scenarios.scenario_run, name="scenario-run"),
]
