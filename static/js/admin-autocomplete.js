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

  function nameAll() {
    var selects = document.querySelectorAll("select.admin-autocomplete");
    Array.prototype.forEach.call(selects, function (select) {
      var container = select.nextElementSibling;
      if (!container || !container.classList.contains("select2")) { return; }
      var label = labelId(select);
      if (!label) { return; }
      var combobox = container.querySelector('.select2-selection[role="combobox"]');
      if (combobox) {
        var shown = combobox.querySelector(".select2-selection__rendered[id]");
        var single = combobox.classList.contains("select2-selection--single");
        name(combobox, single && shown ? label + " " + shown.id : label);
      }
      name(container.querySelector(".select2-search__field"), label);
      // The search box of the open list, drawn at the end of the page, controls this
      // field's results while it is open.
      var results = "select2-" + select.id + "-results";
      name(document.querySelector('.select2-search__field[aria-controls="' + CSS.escape(results) + '"]'), label);
    });
  }

  // Only aria-labelledby and a label's id are written here: neither is watched, so naming
  // does not wake the observer again.
  new MutationObserver(nameAll).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["aria-controls"],
  });
  document.addEventListener("DOMContentLoaded", nameAll);
})();
