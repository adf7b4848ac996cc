/* OpenCSM playbook builder: drag steps and paths (SortableJS), and keep each condition's
 * tests and value suggestions in step with its subject.
 *
 * Everything works without this file: the Move, Add and Delete buttons post the form
 * and the server redraws it. A drag only rewrites the hidden `order-<list>` inputs
 * (ids of the nodes in each list), which the server reads when the form is posted.
 */
(function () {
  "use strict";

  var form = document.querySelector("[data-builder]");
  if (!form || form.querySelector("fieldset[disabled]")) return;

  function nodesOf(container) {
    return Array.prototype.map.call(
      container.querySelectorAll(":scope > [data-node]"),
      function (node) { return node.dataset.node; }
    );
  }

  function rewrite(container) {
    var input = container.parentElement.querySelector(":scope > [data-order]");
    if (input) input.value = nodesOf(container).join(",");
  }

  function renumber() {
    /* Labels as people count (1, 1.2.1) follow the new order. */
    function walk(container, prefix) {
      nodesOf(container).forEach(function (id, index) {
        var step = container.querySelector(':scope > [data-node="' + id + '"]');
        var label = prefix.concat([index + 1]);
        var badge = step.querySelector(":scope > .card-header [data-testid=step-label]");
        if (badge) badge.textContent = label.join(".");
        var lists = step.querySelectorAll(":scope > .card-body [data-steps]");
        var number = 0;
        lists.forEach(function (inner) {
          if (inner.closest(".builder-step") !== step) return;
          number += 1;
          walk(inner, label.concat([number]));
        });
      });
    }
    var root = form.querySelector('[data-list="root"] > [data-steps]');
    if (root) walk(root, []);
  }

  form.querySelectorAll("[data-steps]").forEach(function (list) {
    new Sortable(list, {
      group: "steps",
      handle: ".builder-handle",
      draggable: "[data-node]",
      animation: 120,
      onEnd: function (evt) {
        rewrite(evt.from);
        if (evt.to !== evt.from) rewrite(evt.to);
        renumber();
      },
    });
  });

  form.querySelectorAll("[data-path-list]").forEach(function (list) {
    new Sortable(list, {
      group: "paths-" + list.parentElement.dataset.paths,
      handle: ".builder-path-handle",
      draggable: "[data-node]",
      animation: 120,
      onEnd: function (evt) { rewrite(evt.from); renumber(); },
    });
  });

  var FITS = {
    "@tag": ["has_tag", "lacks_tag"],
    "@segment": ["in_segment", "not_in_segment"],
  };
  var FIELD_TESTS = ["eq", "ne", "in", "gte", "lte"];

  function fitSubject(select) {
    var row = select.closest("[data-node]");
    var operator = row.querySelector("select[name$='-operator']");
    var value = row.querySelector("input[name$='-value']");
    var fits = FITS[select.value] || FIELD_TESTS;
    Array.prototype.forEach.call(operator.options, function (option) {
      option.hidden = fits.indexOf(option.value) === -1;
    });
    if (fits.indexOf(operator.value) === -1) operator.value = fits[0];
    var list = select.value === "@tag" ? "builder-tags"
      : select.value === "@segment" ? "builder-segments"
      : "builder-" + select.value.replace(".", "-");
    if (document.getElementById(list)) value.setAttribute("list", list);
    else value.removeAttribute("list");
  }

  form.addEventListener("change", function (evt) {
    var target = evt.target;
    if (target.matches("[data-subject]")) fitSubject(target);
    if (target.matches("[data-template-picker], select[name$='-template']")) {
      var previews = JSON.parse(document.getElementById("template-previews").textContent);
      var link = target.closest("div").parentElement.querySelector("[data-preview]");
      // An empty choice of an optional template is the step's usual e-mail.
      var key = target.value || target.dataset.default || "";
      if (link) {
        link.hidden = !previews[key];
        link.href = previews[key] || "#";
      }
    }
    if (target.matches("select[data-links]")) {
      var links = JSON.parse(target.dataset.links);
      var shown = target.closest("div").querySelector("[data-link]");
      if (shown) {
        shown.hidden = !links[target.value];
        shown.href = links[target.value] || "#";
      }
    }
    if (target.matches("[data-refresh]")) {
      form.requestSubmit(form.querySelector("[data-testid=refresh]"));
    }
  });
  form.querySelectorAll("[data-subject]").forEach(function (select) {
    if (select.value) fitSubject(select);
  });
})();
