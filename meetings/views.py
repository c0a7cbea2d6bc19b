from django.shortcuts import render

from cica_portal.roles import network_member_required


@network_member_required
def calendar(request):
    return render(request, "meetings/calendar.html")
