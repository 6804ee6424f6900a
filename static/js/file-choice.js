// Remembers that a file was chosen in a legal document's file input, in the hidden
// "<prefix>-file_chosen" field beside it, before the USWDS file input may refuse the file
// (a type the `accept` list excludes) and empty the input. The server then refuses to add
// the document without its file and says what to do (dmvrequests/cases/forms.py).
// Runs in the capture phase, so before the USWDS handler delegated to the body.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || input.type !== "file" || !input.form || !/file$/.test(input.name)) { return; }
    var marker = input.form.elements[input.name.replace(/file$/, "file_chosen")];
    if (marker) { marker.value = input.files && input.files.length ? "1" : "False"; }
  }, true);
})();
