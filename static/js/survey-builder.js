// The survey builder: add a question (cloned from the formset's empty form), drag
// questions into order (SortableJS; each question's hidden ORDER follows its place),
// and show the options box only for choice questions. The server checks everything.
(function () {
  "use strict";

  function renumber(list) {
    list.querySelectorAll(".survey-question").forEach(function (item, index) {
      item.querySelector("[data-order]").value = index + 1;
    });
  }

  function showOptions(item) {
    const kind = item.querySelector("[data-kind]").value;
    item.querySelector("[data-options]").hidden = kind !== "single" && kind !== "multiple";
  }

  document.addEventListener("DOMContentLoaded", function () {
    const list = document.getElementById("survey-questions");
    if (!list) {
      return;
    }
    const total = document.getElementById("id_q-TOTAL_FORMS");
    const template = document.getElementById("question-template");
    document.querySelector("[data-add-question]").addEventListener("click", function () {
      const index = parseInt(total.value, 10);
      const html = template.innerHTML.replace(/__prefix__/g, String(index));
      list.insertAdjacentHTML("beforeend", html);
      total.value = index + 1;
      const added = list.lastElementChild;
      added.querySelector("input[name$='-required']").checked = true;
      renumber(list);
      added.querySelector("input[name$='-label']").focus();
    });
    list.addEventListener("change", function (event) {
      const item = event.target.closest(".survey-question");
      if (item && event.target.matches("[data-kind]")) {
        showOptions(item);
      }
      if (item && event.target.matches("[data-delete]")) {
        item.classList.toggle("opacity-50", event.target.checked);
      }
    });
    if (typeof Sortable !== "undefined") {
      Sortable.create(list, { handle: ".drag-handle", animation: 150, onEnd: function () { renumber(list); } });
    }
    renumber(list);
  });
})();
