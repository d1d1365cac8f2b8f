"""The office's page for the programme's warning rules (预警规则) and report due day."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from keyworks.ledger.models import Programme
from keyworks.ledger.programmes import current_programme

from . import rules as rules_module
from . import services
from .models import WarningRules
from .permissions import require_edit_warning_rules


def _initial(programme) -> dict:
    rules = WarningRules.for_programme(programme)
    values = rules_module.current_values(programme, rules)
    return {**values, "version": rules_module.version_of(rules)}


@login_required
def warning_rules(request):
    programme = current_programme(request)  # 404 outside every programme
    require_edit_warning_rules(request.user, programme)  # 403 unless office
    form = rules_module.RulesForm(request.POST or None, initial=_initial(programme))
    tried = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_rules(programme, data, by=request.user, expected_version=data["version"])
        except services.RulesConcurrentEditError as exc:
            messages.error(request, str(exc))
            tried = [(form.fields[k].label, v) for k, v in data.items() if k != "version"]
            programme.refresh_from_db()
            form = rules_module.RulesForm(initial=_initial(programme))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("预警规则已保存"))
            return redirect(f"{request.path}?programme={programme.code}")
    context = {
        "programme": programme,
        "programmes": Programme.objects.restrict(request.user, "manage"),
        "form": form,
        "tried": tried,
        "demo_notice": programme.is_demo,
    }
    return render(request, "reporting/warning_rules.html", context)
