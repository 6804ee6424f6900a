"""What the browser journeys share: people signed in through the real pages, the axe-core
check run on every page they reach, keyboard moves with a visible-focus check, screenshots.

The tests drive Debian's Chromium (`/usr/bin/chromium`, or E2E_CHROMIUM) through Playwright,
against a gunicorn server started by e2e/conftest.py on its own database.
"""

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from django_otp.oath import TOTP
from playwright.sync_api import expect

REPO = Path(__file__).resolve().parent.parent
SCREENSHOTS = REPO / "docs" / "screenshots"
AXE_DIR = Path(os.environ.get("E2E_AXE_DIR") or REPO / "e2e" / ".axe" / "axe-core")
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking switches Chromium keeps calling Google's hosts, which
# this machine's closed network refuses; --no-sandbox because CI runs as root.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 800}
# The password seed_demo gives every demo user in the e2e database.
PASSWORD = "e2e-demo-password-2026"  # noqa: S105 - test accounts only
# The authserv-id of the DMV's own receiving mail server, for sender verification of emails.
TRUSTED_AUTHSERV_ID = "mx.dmv.example.gov"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Most Tab presses needed to reach any control of the longest form (the new request).
MAX_TABS = 250

FOCUS_STYLE = """
async el => {
  // A focus indicator is an outline or a box shadow. USWDS hides the real checkbox and radio
  // inputs and draws their ring on the label's ::before, so look there for those.
  const shows = s => (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
                     || (s.boxShadow && s.boxShadow !== 'none');
  const describe = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                        + (e.name ? '[name=' + e.name + ']' : '')
                        + ' "' + (e.innerText || e.value || '').trim().slice(0, 40) + '"';
  if (!el || el === document.body) return {ok: false, what: 'nothing (focus is on the page)'};
  // Let focus transitions end (the USWDS skip link slides in from above the page).
  await Promise.all(el.getAnimations().map(a => a.finished.catch(() => null)));
  if (el.matches('input[type^=date], input[type=time], input[type=month], input[type=week]')
      && !el.matches(':focus')) {
    // Tab from a date field's last part moves to the calendar button inside the field: the
    // browser draws that focus ring itself, and no page style reaches it.
    return {ok: true, what: describe(el) + ' (its calendar button: the browser draws that ring)'};
  }
  let target = el, style = getComputedStyle(el);
  if (el.matches('.usa-checkbox__input, .usa-radio__input')) {
    target = document.querySelector('label[for="' + CSS.escape(el.id) + '"]');
    style = target ? getComputedStyle(target, '::before') : style;
  }
  const box = target ? target.getBoundingClientRect() : {width: 0, height: 0, top: 0, left: 0};
  // On the page: a focus ring above the top of the document cannot be scrolled into view.
  const onPage = box.top + window.scrollY + box.height > 0 && box.left + window.scrollX + box.width > 0;
  return {
    ok: !!target && shows(style) && box.width > 0 && box.height > 0 && onPage,
    box: [Math.round(box.left + window.scrollX), Math.round(box.top + window.scrollY), Math.round(box.width), Math.round(box.height)],
    what: describe(el),
    outline: style.outlineStyle + ' ' + style.outlineWidth + ' ' + style.outlineColor,
    shadow: style.boxShadow,
    // What the indicator looks like; the sweep compares it with the control unfocused.
    look: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
           ? [style.outlineStyle, style.outlineWidth, style.outlineColor, style.outlineOffset].join(' ')
           : 'no outline') + ' | ' + style.boxShadow,
  };
}
"""

# A ring that is there whether or not the control has the focus (a USWDS checkbox's box is a
# box shadow; so is an outline button's border) is no focus indicator: after the sweep, each
# control unfocused must look different from how it looked focused.
SAME_UNFOCUSED = """
async () => {
  await Promise.all(document.getAnimations().map(a => a.finished.catch(() => null)));
  const same = [];
  for (const el of document.querySelectorAll('[data-e2e-stop]')) {
    const focused = (window.e2eLooks || {})[el.dataset.e2eStop];
    if (!focused) continue;
    let style = getComputedStyle(el);
    if (el.matches('.usa-checkbox__input, .usa-radio__input')) {
      const label = document.querySelector('label[for="' + CSS.escape(el.id) + '"]');
      if (label) style = getComputedStyle(label, '::before');
    }
    // An outline of style none draws nothing, whatever its width, colour or offset.
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
      ? [style.outlineStyle, style.outlineWidth, style.outlineColor, style.outlineOffset].join(' ')
      : 'no outline';
    const look = outline + ' | ' + style.boxShadow;
    if (look === focused) same.push(el.outerHTML.slice(0, 160) + '  looks the same: ' + look);
  }
  return same;
}
"""

# One Tab stop of a keyboard sweep: mark the focused element and check its focus indicator.
SWEEP_STEP = (
    "async () => {"
    "  const el = document.activeElement;"
    "  if (!el || el === document.body || el === document.documentElement) return {stop: null};"
    "  if (!el.dataset.e2eStop) {"
    "    window.e2eStops = (window.e2eStops || 0) + 1;"
    "    el.dataset.e2eStop = String(window.e2eStops);"
    "  }"
    "  const state = await (" + FOCUS_STYLE.strip() + ")(el);"
    "  window.e2eLooks = window.e2eLooks || {};"
    "  if (state.look) window.e2eLooks[el.dataset.e2eStop] = state.look;"
    "  return {...state, stop: el.dataset.e2eStop};"
    "}"
)

# The controls a keyboard must reach: everything operable that is shown (the content of a
# closed <details> is not: its summary is), one radio button per group.
UNREACHED = """
() => {
  const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const operable = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
                   + '[role=button], [role=link], [role=checkbox], [role=radio], [role=tab], '
                   + '[role=menuitem], [tabindex]:not([tabindex="-1"])';
  const missed = [];
  const groups = {};
  for (const e of document.querySelectorAll(operable)) {
    if (e.disabled || e.closest('[inert]') || !shown(e)) continue;
    const closed = e.closest('details:not([open])');
    if (closed && !(e.tagName === 'SUMMARY' && e.parentElement === closed)) continue;
    if (e.type === 'radio') {
      const key = (e.form ? e.form.action : '') + ' ' + e.name;
      groups[key] = groups[key] || e.dataset.e2eStop !== undefined;
      if (!groups[key]) groups[key + ' example'] = e;
      continue;
    }
    if (e.dataset.e2eStop === undefined) missed.push(e.outerHTML.slice(0, 160));
  }
  for (const [key, reached] of Object.entries(groups)) {
    if (key.endsWith(' example') || reached) continue;
    missed.push('radio group: ' + groups[key + ' example'].outerHTML.slice(0, 160));
  }
  return missed;
}
"""

# Back to the top of the page, as a freshly loaded one: no focus, the next Tab goes to the
# first control (focusing the body moves the browser's sequential-navigation start there).
FOCUS_RESET = """
() => {
  document.body.setAttribute('tabindex', '-1');
  document.body.focus();
  document.body.removeAttribute('tabindex');
  window.scrollTo(0, 0);
}
"""

FORMS_ON_PAGE = "() => [...document.forms].map(f => f.getAttribute('action') + ':' + f.elements.length).join(' ')"
FORGET_STOPS = """
() => {
  for (const e of document.querySelectorAll('[data-e2e-stop]')) delete e.dataset.e2eStop;
  window.e2eLooks = {};
}
"""
# A keyboard trap would keep Tab going round forever; no page here has nearly this many stops.
MAX_SWEEP = 400

AXE_RUN = """
async tags => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations', 'incomplete'],
  });
  return {
    version: axe.version,
    passes: result.passes.length,
    incomplete: result.incomplete.map(r => r.id),
    violations: result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html, summary: n.failureSummary})),
    })),
  };
}
"""


def label(text):
    """A field's label, exactly, with the required-field asterisk, "(optional)" or "(needed if
    you add a document)" (a field of an optional block) if any."""
    return re.compile("^" + re.escape(text) + r"( \*| \(optional\)| \(needed if you add [^)]*\))?$")


# axe-core no longer reports duplicate ids (WCAG 2.2 retired 4.1.1), but an id that a label
# or an ARIA attribute points at must exist and be unique, or the field gets another field's
# name or loses its hint (WCAG 1.3.1, 4.1.2): the browser takes the first element with that id.
ID_REFERENCES = """
() => {
  const found = [];
  const count = id => document.querySelectorAll('#' + CSS.escape(id)).length;
  const note = (element, id, n) => found.push({
    target: element.tagName.toLowerCase() + (element.id ? '#' + element.id : ''),
    html: element.outerHTML.slice(0, 200),
    summary: n ? n + ' elements have the id "' + id + '" it refers to'
               : 'no element has the id "' + id + '" it refers to',
  });
  document.querySelectorAll('label[for]').forEach(label => {
    const n = count(label.htmlFor);
    if (n !== 1) note(label, label.htmlFor, n);
  });
  document.querySelectorAll('[aria-labelledby], [aria-describedby]').forEach(element => {
    for (const attribute of ['aria-labelledby', 'aria-describedby']) {
      for (const id of (element.getAttribute(attribute) || '').split(/\\s+/).filter(Boolean)) {
        const n = count(id);
        if (n !== 1) note(element, id, n);
      }
    }
  });
  return found.length ? [{
    id: 'ambiguous-id-reference', impact: 'serious',
    help: 'A label or ARIA reference must point at exactly one element',
    helpUrl: 'https://www.w3.org/WAI/WCAG21/Understanding/info-and-relationships',
    nodes: found,
  }] : [];
}
"""


def axe_source():
    path = AXE_DIR / "axe.min.js"
    if not path.exists():
        raise RuntimeError(
            f"axe-core is not installed at {path}. Run `make e2e`, which fetches it with npm "
            "(or set E2E_AXE_DIR to an unpacked axe-core package)."
        )
    return path.read_text()


def axe_version():
    return json.loads((AXE_DIR / "package.json").read_text())["version"]


@dataclass
class AxeLog:
    """Every page checked during the run, printed at the end of the pytest output."""

    lines: list = field(default_factory=list)
    pages: int = 0
    violations: int = 0
    swept: set = field(default_factory=set)
    tab_stops: int = 0

    def add(self, who, url, title, result):
        self.pages += 1
        self.violations += len(result["violations"])
        review = ", ".join(result["incomplete"]) or "none"
        self.lines.append(
            f"{len(result['violations'])} violations  {result['passes']:3d} rules passed  "
            f"{who:<10} {url}  [{title.split(' · ')[0]}]  to review by hand: {review}"
        )


def totp_code(device):
    """The code an authenticator app shows now for `device` (a TOTPDevice)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


class Person:
    """One user in their own browser context, as at their own desk."""

    def __init__(self, *, context, base_url, axe_log, who):
        self.context = context
        self.base_url = base_url
        self.axe_log = axe_log
        self.who = who
        self.page = context.new_page()
        # Every document the browser loads must get an accessibility check before the
        # next one replaces it; `check_all_pages_were_checked` makes a journey that skips
        # one fail.
        self.unchecked = []
        self.page.on("load", self._loaded)

    def _loaded(self, page):
        self.unchecked.append(page.url)

    def url(self, path):
        return self.base_url + path

    def goto(self, path, **check):
        response = self.page.goto(self.url(path))
        self.check(**check)
        return response

    # Accessibility and screenshots -------------------------------------------------------

    def check(self, screenshot=None):
        """Run axe-core (WCAG 2.1 A and AA) on the page now shown: zero violations.
        With `screenshot`, also save a full-page picture to docs/screenshots/<name>.png."""
        page = self.page
        page.wait_for_load_state("load")
        result = page.evaluate(AXE_RUN, WCAG_TAGS)
        result["violations"] += page.evaluate(ID_REFERENCES)
        # After a round trip to the page, every load event before it has been counted.
        if self.unchecked[:-1]:
            raise AssertionError(
                f"{self.who} reached {', '.join(self.unchecked[:-1])} without an accessibility "
                "check: call check() on every page a journey reaches."
            )
        path = page.url.removeprefix(self.base_url)
        self.axe_log.add(self.who, path, page.title(), result)
        print(
            f"axe {result['version']}: {path} ({self.who}): "
            f"{len(result['violations'])} violations, {result['passes']} rules passed"
        )
        assert not result["violations"], axe_report(path, result["violations"])
        self.unchecked = []
        self.keyboard_sweep(path)
        if screenshot:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOTS / f"{screenshot}.png", full_page=True)

    def keyboard_sweep(self, path):
        """Tab through the whole page once: every operable control must be reached, each with
        a visible focus indicator, and Tab must not get stuck. Once per kind of page (its path
        with numbers left out, and the forms it shows), for each user."""
        page = self.page
        forms = page.evaluate(FORMS_ON_PAGE)
        kind = re.sub(r"DR-\d{4}-\d{6}|\d+", "#", f"{path.split('?')[0]} {forms}")
        if (self.who, kind) in self.axe_log.swept:
            return
        self.axe_log.swept.add((self.who, kind))
        page.evaluate(FORGET_STOPS)
        page.evaluate(FOCUS_RESET)
        seen, previous = set(), None
        for _ in range(MAX_SWEEP):
            page.keyboard.press("Tab")
            state = page.evaluate(SWEEP_STEP)
            stop = state["stop"]
            if stop is None:  # past the last control, in the browser's own bar
                if seen:
                    break
                continue
            if stop in seen and stop != previous:  # round again: every stop was visited
                break
            assert state["ok"], f"No visible focus indicator on {path}: {state}"
            seen.add(stop)
            previous = stop
        else:
            raise AssertionError(f"Tab never left {path} after {MAX_SWEEP} presses: a trap?")
        assert seen, f"Tab reached nothing on {path}"
        self.axe_log.tab_stops += len(seen)
        unreached = page.evaluate(UNREACHED)
        assert not unreached, f"Not reachable with Tab on {path}: " + "\n".join(unreached)
        page.evaluate(FOCUS_RESET)
        unchanged = page.evaluate(SAME_UNFOCUSED)
        assert not unchanged, f"No focus indicator on {path}: " + "\n".join(unchanged)
        page.evaluate(FORGET_STOPS)

    def check_all_pages_were_checked(self):
        if self.unchecked:
            raise AssertionError(
                f"{self.who} reached {', '.join(self.unchecked)} without an accessibility check."
            )

    # Keyboard ----------------------------------------------------------------------------

    def focus_is_visible(self):
        state = self.page.evaluate(FOCUS_STYLE.strip().join(["(", ")(document.activeElement)"]))
        assert state["ok"], f"No visible focus indicator on {state}"
        return state

    def tab_to(self, locator, *, backwards=False, limit=MAX_TABS):
        """Press Tab (Shift+Tab) until `locator` has the focus, checking at every stop that
        the focused control shows a visible focus indicator."""
        key = "Shift+Tab" if backwards else "Tab"
        locator.wait_for()
        for _ in range(limit):
            self.page.keyboard.press(key)
            if self.page.evaluate("() => document.activeElement === document.body"):
                continue  # past the last control, in the browser's own bar: Tab goes round
            self.focus_is_visible()
            if locator.evaluate("el => el === document.activeElement"):
                return locator
        raise AssertionError(f"{locator} cannot be reached with {key} ({limit} presses)")

    def type_into(self, locator, text):
        """Tab to a text field and type, as with a keyboard."""
        self.tab_to(locator)
        self.page.keyboard.type(text)
        expect(locator).to_have_value(text)

    def choose(self, select, option_text, value=None):
        """Tab to a <select> and pick an option by typing its first letters (type-ahead)."""
        self.tab_to(select)
        self.page.keyboard.type(option_text)
        if value is not None:
            expect(select).to_have_value(value)
        else:
            expect(select.locator("option:checked")).to_have_text(
                re.compile("^" + re.escape(option_text))
            )

    def tick(self, checkbox):
        """Tab to a checkbox and tick it with the space bar."""
        self.tab_to(checkbox)
        self.page.keyboard.press("Space")
        expect(checkbox).to_be_checked()

    def activate(self, locator, key="Enter"):
        """Tab to a link or button and press Enter."""
        self.tab_to(locator)
        self.page.keyboard.press(key)

    # Signing in -------------------------------------------------------------------------

    def sign_in(self, username, *, code, screenshot=None, by_keyboard=False):
        """The real sign-in page and the real code page; `code()` gives the current code."""
        page = self.page
        self.goto("/accounts/sign-in/", screenshot=screenshot)
        username_field, password_field = (
            page.get_by_label("Username"),
            page.get_by_label("Password"),
        )
        if by_keyboard:
            self.type_into(username_field, username)
            self.tab_to(password_field)
            page.keyboard.type(PASSWORD)
            page.keyboard.press("Enter")
        else:
            username_field.fill(username)
            password_field.fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
        self.check()
        if by_keyboard:
            self.tab_to(page.get_by_label(label("Code")))
            page.keyboard.type(code())
            page.keyboard.press("Enter")
        else:
            page.get_by_label(label("Code")).fill(code())
            page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def axe_report(path, violations):
    lines = [f"axe-core found {len(violations)} WCAG 2.1 A/AA violation(s) on {path}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:10]:
            lines.append(f"    {node['target']}: {node['html'][:200]}")
            lines.append("      " + (node["summary"] or "").replace("\n", "\n      "))
    return "\n".join(lines)


def pdf_document(*lines):
    """A small, valid one-page PDF showing `lines` (what an agency would scan and send)."""
    text = " ".join(f"({line.replace('(', '[').replace(')', ']')}) Tj 0 -18 Td" for line in lines)
    stream = f"BT /F1 12 Tf 72 720 Td {text} ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def click_label(control):
    """Tick a USWDS checkbox or radio with the mouse. USWDS moves the real input off-screen
    and draws the box in its label, so a person clicks the label."""
    page = control.page
    control_id = control.get_attribute("id")
    page.locator(f'label[for="{control_id}"]').click()
    expect(control).to_be_checked()
