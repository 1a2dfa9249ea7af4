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
        RuleText(
            id: "ENC-NUMERIC-EQUAL", section: dataEncoding, notesHeading: nil,
            text:
                "Calibrated (not in the notes): two number columns that hold exactly the same "
                + "value on many rows are usually one copied from the other on some rows: the "
                + "price a customer paid and the price of the option chosen, a season's total "
                + "and the career's for a first-year player. \"Equal on this row\" is then a "
                + "feature of its own, which a network on standardised inputs or bins cannot "
                + "form from the two values (it needs a spike at a - b = 0). Each pair of number "
                + "columns with at least 3 distinct values, equal on 1% to 99% of the training "
                + "rows (at most 4,096 read) and at least twice as often as chance (the "
                + "probability sum_v p_a(v) p_b(v) that two independent columns with the same "
                + "value shares are equal), gains a 0/1 input, 1 where the two are equal (0 "
                + "when either is missing); at most 32, the most frequent first, among the "
                + "first 256 number columns. `data.equality_indicators: auto` keeps them when "
                + "ENC-NUMERIC-PLE's ridge probe scores the encoding chosen for the numbers "
                + "clearly higher with them: the mean gain over its 5 folds more than one "
                + "standard error above zero (a gain within the folds' noise does not pay for the "
                + "inputs); `true` or `false` fixes it. On the 18-dataset quality suite "
                + "(Benchmarks/quality-results.md, 2026-12-08, eqse against eb, training seeds "
                + "42 / 7 / 8) fishing_mode's accuracy goes 0.928 / 0.911 / 0.928 -> 1.000 on "
                + "every seed (HistGBDT 0.999, scikit-learn's MLP 0.924: its price and catch "
                + "columns are the chosen mode's), the sum of the 18 mean scores 12.107 / "
                + "12.077 / 12.087 -> 12.163 / 12.163 / 12.164, and within 0.5 point of the best "
                + "baseline 15 / 14 / 16 -> 16 / 15 / 17 of 18. Also kept for galton (children "
                + "== childNum, the last-born: 0.753 / 0.749 / 0.743 -> 0.747 / 0.751 / 0.747) "
                + "and some hitters splits (a first-year player's season equals his career: "
                + "-0.008 to 0); dropped for breast_cancer and diabetes. Kept whenever the mean "
                + "gain is positive, chance pairs of diabetes stayed on seed 8 and cost it 0.6 "
                + "point.",
            formula:
                "pair (a, b): 0.01 <= P(a = b) <= 0.99 and P(a = b) > 2 sum_v p_a(v) p_b(v) -> "
                + "input 1[a = b], when the ridge CV gain (with - without) > its standard error",
            proposed: true),
    ]

    /// Every rule `explain` knows: the advisor's and the data layer's.
    public static var explainable: [RuleText] { rules + dataRules }
}
