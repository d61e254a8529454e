"""Every stylesheet and script the layout links to is found by the static files finders."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client


@pytest.mark.django_db
def test_layout_assets_exist():
    html = Client().get("/login/").content.decode()
    assets = re.findall(r'(?:href|src)="/static/([^"]+)"', html)
    assert "samspar/samspar.css" in assets
    missing = [asset for asset in assets if finders.find(asset) is None]
    assert missing == []
