// Draws every report chart on the page: each <canvas data-chart="ID"> takes its
// Chart.js configuration from the json_script element with that id. The
// configuration's `links` (one list per dataset, like its data) are the
// drill-downs: clicking a bar or point opens the rows behind that number.
(function () {
  "use strict";

  function linkAt(links, elements) {
    if (!links || !elements.length) {
      return null;
    }
    const element = elements[0];
    const dataset = links[element.datasetIndex] || [];
    return dataset[element.index] || null;
  }

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") {
      return;
    }
    const existing = Chart.getChart(canvas);
    if (existing) {
      existing.destroy();
    }
    const config = JSON.parse(source.textContent);
    const links = config.links;
    delete config.links;
    config.options = config.options || {};
    config.options.onClick = function (event, elements) {
      const url = linkAt(links, elements);
      if (url) {
        window.location.assign(url);
      }
    };
    config.options.onHover = function (event, elements) {
      event.native.target.style.cursor = linkAt(links, elements) ? "pointer" : "default";
    };
    new Chart(canvas, config);
  }

  function drawAll(root) {
    root.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawAll(document);
  });
  // Charts swapped in by htmx are drawn too.
  document.addEventListener("htmx:afterSettle", function (event) {
    drawAll(event.target);
  });
})();
