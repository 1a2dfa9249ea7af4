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
            proposed: false)
    ]

    /// Every rule `explain` knows: the advisor's and the data layer's.
    public static var explainable: [RuleText] { rules + dataRules }
}
