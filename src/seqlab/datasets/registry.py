"""What is bundled: one entry per data set (the full story is in each folder's SOURCE.md).

``rows`` and ``columns`` describe what ``seqlab.datasets.load`` returns (a test checks them);
``files`` lists the data files by their uncompressed names (some are stored as ``NAME.gz``).

>>> DATASETS["airline-passengers"]["rows"]
144
"""

UCR = "UCR/UEA time-series classification archive: free for research use with citation (Dau et al. 2019)"

DATASETS = {
    "airline-passengers": {
        "description": "monthly international airline passengers (thousands), 1949-1960",
        "rows": 144, "columns": 2, "files": ["airline-passengers.csv"],
        "source": "Box & Jenkins Series G, via Hyndman's Time Series Data Library",
        "licence": "classic public teaching series; no licence stated, cite Box & Jenkins (1976)",
    },
    "google-stock": {
        "description": "Google daily prices, train 2012-2016 / test Jan 2017 (Deep Learning A-Z RNN part)",
        "rows": {"train": 1258, "test": 20}, "columns": 6,
        "files": ["Google_Stock_Price_Train.csv", "Google_Stock_Price_Test.csv"],
        "source": "SuperDataScience 'Deep Learning A-Z' course data (Yahoo/Google Finance prices)",
        "licence": "no licence stated; course teaching data, Yahoo terms apply to the raw prices",
    },
    "pollution": {
        "description": "Beijing PM2.5 and weather, hourly 2010-2014, multivariate (raw UCI layout)",
        "rows": 43824, "columns": 13, "files": ["pollution.csv"],
        "source": "UCI Beijing PM2.5 Data (Liang et al. 2015)",
        "licence": "UCI data set, CC BY 4.0",
    },
    "sms-spam": {
        "description": "SMS messages labelled ham/spam (5,574 messages, 403 exact duplicates)",
        "rows": 5574, "columns": 2, "files": ["SMSSpamCollection"],
        "source": "SMS Spam Collection v.1 (Almeida, Gomez Hidalgo & Yamakami 2011), UCI",
        "licence": "free with no limitations; copyright the authors; cite their DocEng 2011 paper",
    },
    "gunpoint": {
        "description": "GunPoint: hand-motion series, 2 classes (Gun/Point), length 150",
        "rows": {"train": 50, "test": 150}, "columns": 151, "stem": "GunPoint",
        "files": ["GunPoint_TRAIN.tsv", "GunPoint_TEST.tsv", "GunPoint_TRAIN.ts", "GunPoint_TEST.ts"],
        "source": "UCR archive 2018 (.tsv) and the aeon 1.6.0 wheel (.ts)", "licence": UCR,
    },
    "italy-power-demand": {
        "description": "ItalyPowerDemand: daily 24-hour demand curves, 2 classes (winter/summer half)",
        "rows": {"train": 67, "test": 1029}, "columns": 25, "stem": "ItalyPowerDemand",
        "files": ["ItalyPowerDemand_TRAIN.tsv", "ItalyPowerDemand_TEST.tsv",
                  "ItalyPowerDemand_TRAIN.ts", "ItalyPowerDemand_TEST.ts"],
        "source": "UCR archive 2018 (.tsv) and the aeon 1.6.0 wheel (.ts)", "licence": UCR,
    },
    "basic-motions": {
        "description": "BasicMotions: smart-watch accelerometer+gyroscope, 6 channels x 100 steps, 4 classes",
        "rows": {"train": 4000, "test": 4000}, "columns": 9,
        "files": ["BasicMotions_TRAIN.ts", "BasicMotions_TEST.ts"],
        "source": "UEA multivariate archive 2018, from the aeon 1.6.0 wheel", "licence": UCR,
    },
    "churn-modelling": {
        "description": "bank customers and whether they left (Exited), 10,000 rows (ANN example)",
        "rows": 10000, "columns": 14, "files": ["Churn_Modelling.csv"],
        "source": "SuperDataScience 'Deep Learning A-Z' course data (synthetic bank data)",
        "licence": "no licence stated; freely downloadable course data (also on Kaggle)",
    },
    "credit-card-applications": {
        "description": "Australian credit approval applications, 690 rows (SOM fraud example)",
        "rows": 690, "columns": 16, "files": ["Credit_Card_Applications.csv"],
        "source": "UCI Statlog (Australian Credit Approval) + CustomerID, via 'Deep Learning A-Z'",
        "licence": "upstream UCI data CC BY 4.0; course redistribution terms not stated",
    },
    "names": {
        "description": "32,033 US baby names, lowercase (makemore character-model corpus)",
        "rows": 32033, "columns": 1, "files": ["names.txt"],
        "source": "karpathy/makemore (SSA 2018 baby names)", "licence": "MIT (makemore); SSA data is public",
    },
    "timegan-stock": {
        "description": "Google daily OHLC, adjusted close and volume, 2004-2019, oldest first (TimeGAN 'Stocks')",
        "rows": 3685, "columns": 6, "files": ["stock_data.csv"],
        "source": "jsyoon0823/TimeGAN data/stock_data.csv (Yahoo Finance GOOG)",
        "licence": "Apache-2.0 (TimeGAN repository); Yahoo terms apply to the raw prices",
    },
}
