// Draws every <canvas data-chart="…" data-source="<json_script id>"> on My day.
// Each segment takes its status's colour (a Bootstrap theme name, resolved from
// Bootstrap's --bs-<name> variable, the same colour as the status's badges) and
// opens the filtered account list it stands for.
(function () {
  "use strict";
  const style = getComputedStyle(document.documentElement);
  const resolve = (name) => style.getPropertyValue(`--bs-${name}`).trim() || name;

  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const data = JSON.parse(document.getElementById(canvas.dataset.source).textContent);
    const links = data.links || [];
    new Chart(canvas, {
      type: canvas.dataset.chart,
      data: {
        labels: data.labels,
        datasets: [{ data: data.values, backgroundColor: (data.colours || []).map(resolve) }],
      },
      options: {
        plugins: { legend: { display: canvas.dataset.chart !== "bar" } },
        onClick: (event, elements) => {
          const link = elements.length ? links[elements[0].index] : null;
          if (link) {
            window.location.assign(link);
          }
        },
        onHover: (event, elements) => {
          const link = elements.length ? links[elements[0].index] : null;
          event.native.target.style.cursor = link ? "pointer" : "default";
        },
      },
    });
    canvas.dataset.drawn = "true";
  });
})();
