"""`manage.py backtest_health [--points 12] [--horizon 90]`: how well the health models
would have predicted churn on this install's own history."""

from django.core.management.base import BaseCommand, CommandParser

from health.backtest import backtest_dates
from health.services.backtests import record_backtest


class Command(BaseCommand):
    help = "Score every account as of past monthly dates and compare with churn afterwards."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--points", type=int, default=12, help="How many monthly dates.")
        parser.add_argument("--horizon", type=int, default=90, help="Days of churn to look at.")

    def handle(self, *args, points: int, horizon: int, **options) -> None:
        if not 1 <= points <= 60 or not 1 <= horizon <= 365:
            self.stderr.write("--points is 1–60 and --horizon 1–365 days.")
            raise SystemExit(2)
        saved = record_backtest(
            dates=backtest_dates(points=points, horizon_days=horizon), horizon_days=horizon
        )
        r = saved.report
        self.stdout.write(
            f"{r['samples']:,} account-dates, {r['churned']:,} churned within {horizon} days "
            f"({100 * r['churn_rate']:.1f} %)"
        )
        self.stdout.write(f"{'band':<12}{'accounts':>10}{'churned':>9}{'rate':>8}")
        for row in r["bands"]:
            rate = row["churned"] / row["accounts"] if row["accounts"] else 0
            self.stdout.write(
                f"{row['label']:<12}{row['accounts']:>10,}{row['churned']:>9,}{100 * rate:>7.1f}%"
            )
        auc = "n/a" if r["auc"] is None else f"{r['auc']:.3f}"
        lift = "n/a" if r["worst_band_lift"] is None else f"{r['worst_band_lift']:.2f}×"
        worst = r["worst_band"] or "—"
        self.stdout.write(
            f"ROC AUC {auc}; lift of the worst band ({worst}) {lift}; {saved.seconds:.1f}s"
        )
