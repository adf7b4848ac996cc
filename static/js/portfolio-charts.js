// Draws every <canvas data-chart="…" data-source="<json_script id>"> on My day.
// Each segment takes its status's colour (a Bootstrap theme name, resolved from
// Bootstrap's --bs-<name> variable, the same colour as the status's badges) and
// opens the filtered account list it stands for. A chart grows in over a moment
// (none for readers who ask for reduced motion); data-drawn="true" says it is
// fully drawn, so a screenshot or a test waits for that rather than catching a
// doughnut half-way round.
(function () {
  "use strict";
  const style = getComputedStyle(document.documentElement);
  const resolve = (name) => style.getPropertyValue(`--bs-${name}`).trim() || name;
  const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const data = JSON.parse(document.getElementById(canvas.dataset.source).textContent);
    const links = data.links || [];
    const drawn = () => {
      canvas.dataset.drawn = "true";
    };
    // Amounts (the MRR chart) read as money in their currency, not as bare numbers.
    const money = data.currency
      ? new Intl.NumberFormat(undefined, {
          style: "currency",
          currency: data.currency,
          maximumFractionDigits: 0,
        })
      : null;
    const options = {
      animation: still ? false : { duration: 600, onComplete: drawn },
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
    };
    if (canvas.dataset.chart === "bar") {
      // Whole accounts and whole currency units: no "0.2" or "$0.50" steps on a small book.
      options.scales = { y: { beginAtZero: true, ticks: { precision: 0 } } };
    }
    if (money) {
      options.scales.y.ticks.callback = (value) => money.format(value);
      options.plugins.tooltip = {
        callbacks: { label: (item) => money.format(item.parsed.y) },
      };
    }
    new Chart(canvas, {
      type: canvas.dataset.chart,
      data: {
        labels: data.labels,
        datasets: [
          {
            data: data.values,
            backgroundColor: (data.colours || []).map(resolve),
            // An outline keeps a pale bar ("light": no milestone yet) visible on white.
            borderColor: canvas.dataset.chart === "bar" ? resolve("border-color") : undefined,
            borderWidth: canvas.dataset.chart === "bar" ? 1 : undefined,
          },
        ],
      },
      options: options,
    });
    if (still) {
      drawn();
    }
  });
})();
