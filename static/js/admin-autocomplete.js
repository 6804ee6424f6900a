// The administration site's autocomplete fields (Django's select2: a requester's Agency, an
// officer's Agency) named by their own label. select2 hides the <select> that the field's
// <label for> names and draws a <span role="combobox"> in its place, named only by the value
// shown (nothing on an add page): axe "aria-input-field-name" (WCAG 4.1.2). Each combobox,
// the search box of a multiple choice and the search box of an open list are given
// aria-labelledby pointing at the field's label (an id is given to the label if it has
// none), followed, for a single choice, by the value shown, so that a screen reader says
// "Agency: Albany Police Department". Included on every admin page by
// templates/admin/base_site.html (a file: the Content-Security-Policy allows no inline
// script); watches the page, so that a field select2 draws later (an inline's new row, a
// list opened) is named too, whenever Django's autocomplete.js runs.
//
// Also, for axe 4.14 on an open and a closed list:
// - the value shown inside a single choice's combobox is a plain span, not the nameless,
//   never focused role="textbox" aria-readonly that select2 draws (aria-input-field-name):
//   the combobox, which is focused, already says it, after the label;
// - the "×" that clears an optional choice is hidden from screen readers (select2 draws it
//   as a bare span, mouse only, inside the value shown: it would be read as part of the
//   field's name); the keyboard clears with Backspace or Delete;
// - an open combobox (aria-expanded="true") has aria-controls pointing at its list of
//   results (aria-required-attr), removed again when the list closes and select2 takes the
//   list off the page;
// - the open list is drawn inside the page's <main> rather than at the end of <body>,
//   outside every landmark (axe "region"): select2's dropdownParent option, read from the
//   <select>'s data-dropdown-parent, set here before Django's autocomplete.js starts select2
//   (this deferred script runs before jQuery's ready; an inline's new row is marked in the
//   capturing phase of "formset:added", before Django's handler).
(function () {
  "use strict";

  function labelId(select) {
    if (!select.id) { return ""; }
    var label = document.querySelector('label[for="' + CSS.escape(select.id) + '"]');
    if (!label) { return ""; }
    if (!label.id) {
      var id = select.id + "_label";
      if (document.getElementById(id)) { return ""; }
      label.id = id;
    }
    return label.id;
  }

  function name(element, ids) {
    if (element && element.getAttribute("aria-labelledby") !== ids) {
      element.setAttribute("aria-labelledby", ids);
    }
  }

  function set(element, attribute, value) {
    if (!element) { return; }
    if (value === null) {
      if (element.hasAttribute(attribute)) { element.removeAttribute(attribute); }
    } else if (element.getAttribute(attribute) !== value) {
      element.setAttribute(attribute, value);
    }
  }

  // The open list's parent: the page's <main> (Django's admin has one on every page).
  function placeLists(root) {
    var main = document.querySelector("main#content-start");
    if (!main || !root) { return; }
    var selects = root.querySelectorAll ? root.querySelectorAll("select.admin-autocomplete") : [];
    Array.prototype.forEach.call(selects, function (select) {
      if (!select.hasAttribute("data-dropdown-parent")) {
        select.setAttribute("data-dropdown-parent", "main#content-start");
      }
    });
  }

  function nameAll() {
    var selects = document.querySelectorAll("select.admin-autocomplete");
    Array.prototype.forEach.call(selects, function (select) {
      var container = select.nextElementSibling;
      if (!container || !container.classList.contains("select2")) { return; }
      var results = "select2-" + select.id + "-results";
      var combobox = container.querySelector('.select2-selection[role="combobox"]');
      if (combobox) {
        var open = combobox.getAttribute("aria-expanded") === "true";
        set(combobox, "aria-controls", open && document.getElementById(results) ? results : null);
        var rendered = combobox.querySelector(".select2-selection__rendered");
        set(rendered, "role", null);
        set(rendered, "aria-readonly", null);
        Array.prototype.forEach.call(
          combobox.querySelectorAll(".select2-selection__clear"),
          function (clear) { set(clear, "aria-hidden", "true"); }
        );
      }
      var label = labelId(select);
      if (!label) { return; }
      if (combobox) {
        var shown = combobox.querySelector(".select2-selection__rendered[id]");
        var single = combobox.classList.contains("select2-selection--single");
        name(combobox, single && shown ? label + " " + shown.id : label);
      }
      name(container.querySelector(".select2-search__field"), label);
      // The search box of the open list controls this field's results while it is open.
      name(document.querySelector('.select2-search__field[aria-controls="' + CSS.escape(results) + '"]'), label);
    });
  }

  // Each attribute is written only when it differs, so the observer, woken by the
  // aria-controls and aria-expanded that select2 writes (and by this script's own
  // aria-controls, once), settles at once.
  new MutationObserver(nameAll).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["aria-controls", "aria-expanded"],
  });
  placeLists(document);
  document.addEventListener("formset:added", function (event) { placeLists(event.target); }, true);
  document.addEventListener("DOMContentLoaded", nameAll);
})();
