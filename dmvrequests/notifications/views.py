from django.contrib import messages
from django.shortcuts import redirect, render

from dmvrequests.notifications.forms import PreferenceForm
from dmvrequests.notifications.selectors import preference_of
from dmvrequests.notifications.services import preference_update


def preferences(request):
    """Show the user's notification settings (GET writes nothing); POST saves them."""
    form = PreferenceForm(request.POST or None, instance=preference_of(request.user))
    if request.method == "POST" and form.is_valid():
        preference_update(user=request.user, actor=request.user, **form.cleaned_data)
        messages.success(request, "Your notification settings are saved.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
