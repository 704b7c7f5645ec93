// The filing form's lead-time hint: as soon as a type (or a start) is chosen, show the
// earliest start allowed for that type if submitted today, and flag a start earlier than
// that. The dates per type come from the hint's data-lead-times attribute (JSON); the
// server draws the same hint for the type the page was opened with, so nothing is lost
// without scripts.
(function () {
  "use strict";
  function setup() {
    var source = document.getElementById("lead-hint");
    var type = document.getElementById("id_type");
    var start = document.getElementById("id_starts_at");
    var text = document.getElementById("lead-earliest");
    var template = document.getElementById("lead-earliest-text");
    var flag = document.getElementById("lead-too-early");
    if (!source || !type || !text || !template || type.dataset.leadReady) { return; }
    type.dataset.leadReady = "1";
    var times = JSON.parse(source.dataset.leadTimes);
    function update() {
      var lead = times[type.value];
      if (!lead) { return; }
      text.textContent = template.content.textContent.replace("{date}", lead.earliest).replace("{days}", lead.days);
      var day = start && start.value ? start.value.slice(0, 10) : "";
      flag.hidden = !(day && day < lead.earliest);
    }
    type.addEventListener("change", update);
    if (start) { start.addEventListener("change", update); start.addEventListener("input", update); }
    update();
  }
  document.addEventListener("DOMContentLoaded", setup);
  document.addEventListener("htmx:afterSettle", setup);
})();
