extension RuleCatalog {
    static let dataEncoding = "Data typing and encoding"

    /// The data layer's rules: how columns are typed and encoded. Kept apart from `rules`
    /// because the advisor does not evaluate them (the data layer applies them and names them in
    /// `layerwise profile`'s reasons); `explain` finds them all the same.
    public static let dataRules: [RuleText] = [
        RuleText(
            id: "ENC-DATE-PARTS", section: dataEncoding, notesHeading: nil,
            text:
                "A column whose values (all but at most 5%) are ISO dates or datetimes "
                + "(YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss[.fff]][Z|+hh:mm], YYYY-MM-DD hh:mm[:ss]) is "
                + "a date: encoded as its parts that vary in the training split. The year is "
                + "standardised like a number; month, day of month, day of week and hour are "
                + "periodic, so each becomes a sine/cosine pair (December next to January, "
                + "23:00 next to midnight). Values that are not dates are missing (with a "
                + "warning naming the first), filled with the training median date, with a "
                + "missing indicator when training had any. Times with a zone are converted "
                + "to UTC.",
            formula:
                "year -> (year - mean) / sd; part p with period P -> (sin, cos)(2 pi p / P), "
                + "P = 12 months, days in the month, 7 days, 24 hours",
            proposed: false),
        RuleText(
            id: "ENC-TARGET-LOG", section: dataEncoding, notesHeading: nil,
            text:
                "Calibrated (not in the notes): a regression target whose training values are "
                + "all above 0 and skewed right (sample skewness above 1: prices, wages, "
                + "salaries) is trained on its natural log, standardised "
                + "(`data.target_transform: auto`; `none` or `log` fixes it). Predictions are "
                + "exp of the output times Duan's smearing factor, the mean of exp(residual) "
                + "on the non-test rows once trained (Duan 1983), so they estimate the mean, "
                + "which R2 and the MSE score, not the median; metrics are in the target's "
                + "units. On the 18-dataset quality suite (Benchmarks/quality-results.md, "
                + "2026-12-03, tlog2 against ens5s500) it applies to four: R2 hitters 0.492 "
                + "-> 0.536 (skewness 1.3), house_prices 0.638 -> 0.653 (1.3), cps1988 "
                + "0.299 -> 0.296 (6.3), slid_wages 0.358 -> 0.357 (1.05); the sum of the 18 "
                + "mean scores 11.729 -> 11.785. Without the smearing factor hitters reaches "
                + "0.515 and cps1988 0.266: exp of a mean log is the median, below the mean "
                + "of a right-skewed target. DEPTH-LINEAR's ridge probe scores a log target on its "
                + "log scale.",
            formula:
                "all y > 0 and skewness(y) > 1 -> train on (ln y - mean) / sd; "
                + "predict exp(output) * mean(exp(residual))",
            proposed: true),
        RuleText(
            id: "ENC-NUMERIC-PLE", section: dataEncoding, notesHeading: nil,
            text:
                "Calibrated (not in the notes): each number column with at least two distinct "
                + "training quantile bins keeps its standardised value and gains the "
                + "piecewise-linear encoding of Gorishniy, Rubachev and Babenko (2022, \"On "
                + "embeddings for numerical features in tabular deep learning\"): edges at the "
                + "training quantiles k/8 (repeated edges merged), one input per bin, "
                + "clip((x - low) / (high - low), 0, 1). A linear layer on them is any "
                + "piecewise-linear function of the column, so thresholds and bends (salary by "
                + "career length, participation by age) cost the network one weight each. "
                + "`data.numeric_encoding: auto` keeps the bins when a ridge model (penalty "
                + "0.01 x rows, intercept free) scores higher with them than without in a "
                + "5-fold cross-validation of the training split (at most 4,096 rows, seeded; "
                + "R2 for regression, accuracy of one-hot outputs for classification); data "
                + "whose bins would exceed 512 inputs, or with fewer than 40 training rows, "
                + "keeps standardised numbers; `standard` or `piecewise_linear` fixes it. On "
                + "the 18-dataset quality suite (Benchmarks/quality-results.md, 2026-12-07, "
                + "ple-rule against d16, training seeds 42 / 7 / 8) the sum of the 18 mean "
                + "scores rises 11.717 -> 11.907, 11.809 -> 11.982, 11.837 -> 12.022; hitters "
                + "R2 0.504-0.579 -> 0.651-0.690 (HistGBDT 0.531), galton 0.718-0.731 -> "
                + "0.743-0.753 (HistGBDT 0.742), mroz accuracy 0.753-0.757 -> 0.770-0.784; "
                + "within 0.5 point of the best baseline on 12 / 13 / 14 of 18 (11 / 13 / 12 "
                + "before). Bins without the probe (every column, always) sum 11.884 and cost "
                + "diabetes 4.5 points and carseats up to 3.9, where the probe keeps "
                + "standardised numbers.",
            formula:
                "bins b_t = training quantiles t/8; e_t = clip((x - b_t) / (b_{t+1} - b_t), 0, 1) "
                + "beside (x - mean) / sd, when ridge CV score(with bins) > score(without)",
            proposed: true),
    ]

    /// Every rule `explain` knows: the advisor's and the data layer's.
    public static var explainable: [RuleText] { rules + dataRules }
}
