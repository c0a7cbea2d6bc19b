from django.shortcuts import render

from cica_portal.roles import network_member_required


@network_member_required
def index(request):
    return render(request, "exchange/index.html")
