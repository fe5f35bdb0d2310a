from django.urls import path

from wagtail import hooks

from . import admin


@hooks.register("register_admin_urls")
def register_send_again_url():
    return [
        path("outbox/<int:email_id>/send-again/", admin.send_again_view, name="outbox_send_again")
    ]
