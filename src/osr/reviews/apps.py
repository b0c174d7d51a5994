from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "osr.reviews"
    label = "reviews"
    verbose_name = "Review boards"
