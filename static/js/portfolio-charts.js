// Draws every <canvas data-chart="…" data-source="<json_script id>"> on the page.
document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
  const data = JSON.parse(document.getElementById(canvas.dataset.source).textContent);
  new Chart(canvas, {
    type: canvas.dataset.chart,
    data: { labels: data.labels, datasets: [{ data: data.values }] },
    options: { plugins: { legend: { display: canvas.dataset.chart !== "bar" } } },
  });
});
