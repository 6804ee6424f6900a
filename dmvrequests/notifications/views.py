from django.contrib import messages
from django.shortcuts import redirect, render

from dmvrequests.notifications.forms import PreferenceForm
from dmvrequests.notifications.models import Preference


def preferences(request):
    preference, _ = Preference.objects.get_or_create(user=request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        preference = form.save(commit=False)
        preference._history_user = request.user
        preference.save()
        messages.success(request, "Your notification settings are saved.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
