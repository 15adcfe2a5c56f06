package corpus

// The name lists: common names of each tradition, every entry written as its
// spellings separated by "|" (the first is the usual Latin one), then, after
// "=", the name in the tradition's other script where field teams meet it
// (Arabic for Arabic names, Cyrillic for Ukrainian). The variants are the
// ones registration lists actually show; they are how the matcher is tested,
// so they are not derived from the matcher's own folding rules.

var arabicMale = []string{
	"Mohammed|Muhammad|Mohamed|Mohamad|Muhammed|Mohammad=محمد",
	"Ahmed|Ahmad|Ahmet=أحمد", "Ali|Aly=علي", "Omar|Umar|Omer=عمر", "Hassan|Hasan=حسن",
	"Hussein|Hussain|Husein|Hossein=حسين", "Khaled|Khalid=خالد", "Mahmoud|Mahmud|Mahmood=محمود",
	"Mustafa|Mostafa|Moustafa=مصطفى", "Ibrahim|Ebrahim|Ibraheem=إبراهيم", "Yousef|Youssef|Yusuf|Yousif=يوسف",
	"Abdullah|Abdallah|Abdulla=عبدالله", "Abdulrahman|Abdul Rahman|Abdelrahman|Abd al-Rahman=عبد الرحمن",
	"Tariq|Tarek|Tareq=طارق", "Saleh|Salih=صالح", "Jamal|Gamal=جمال", "Karim|Kareem=كريم",
	"Walid|Waleed=وليد", "Samir|Sameer=سمير", "Nasser|Nasir|Naser=ناصر", "Faisal|Faysal=فيصل",
	"Hamza|Hamzah=حمزة", "Bilal|Belal=بلال", "Adnan=عدنان", "Zaid|Zayed|Zeid=زيد", "Osama|Usama=أسامة",
	"Rami|Ramy=رامي", "Majid|Majed=ماجد", "Anas=أنس", "Mazen|Mazin=مازن",
}

var arabicFemale = []string{
	"Fatima|Fatimah|Fatma=فاطمة", "Aisha|Aysha|Aicha|Ayesha=عائشة", "Maryam|Mariam|Meriam=مريم",
	"Zainab|Zaynab|Zeinab=زينب", "Khadija|Khadijah|Khadeeja=خديجة", "Nour|Noor|Nur=نور",
	"Layla|Leila|Laila=ليلى", "Huda|Hoda=هدى", "Amina|Ameena|Aminah=أمينة", "Salma=سلمى",
	"Rania|Ranya=رانيا", "Yasmin|Yasmine|Jasmin=ياسمين", "Hiba|Heba=هبة", "Rana=رنا", "Lina|Leena=لينا",
	"Sara|Sarah=سارة", "Dina|Dena=دينا", "Asmaa|Asma=أسماء", "Samira|Sameera=سميرة", "Reem|Rim=ريم",
	"Hala=هالة", "Noura|Nora=نورة", "Shaima|Shaimaa=شيماء", "Ghada=غادة", "Rasha=رشا",
	"Suha|Soha=سهى", "Wafaa|Wafa=وفاء", "Manal=منال", "Nisreen|Nesrine=نسرين", "Dalia|Dalya=داليا",
}

var arabicFamily = []string{
	"Al-Ahmad|Al Ahmad|Alahmad=الأحمد", "Al-Hassan|Al Hassan|El Hassan=الحسن", "Haddad|Hadad=حداد",
	"Khalil|Khaleel=خليل", "Hamdan=حمدان", "Al-Masri|El Masri|Masri=المصري", "Darwish|Darwich=درويش",
	"Najjar|Naggar=نجار", "Qasim|Kassem|Qassem|Kasim=قاسم", "Mansour|Mansur=منصور",
	"Yassin|Yasin|Yaseen=ياسين", "Abboud|Abbud=عبود", "Issa|Eisa|Isa=عيسى", "Shaheen|Shahin=شاهين",
	"Othman|Osman|Uthman=عثمان", "Sabbagh|Sabagh=صباغ", "Hijazi|Hegazi|Hegazy=حجازي",
	"Jaber|Jabir|Gaber=جابر", "Zein|Zain=زين", "Al-Halabi|Halabi=الحلبي", "Rashid|Rashed=راشد",
	"Al-Kurdi|Kurdi=الكردي", "Suleiman|Sulaiman|Slimane=سليمان", "Haidar|Haider|Hayder=حيدر",
	"Al-Jabouri|Al Jubouri|Jubouri=الجبوري", "Al-Obaidi|Al Ubaidi|Obaidi=العبيدي",
	"Al-Tamimi|Tamimi=التميمي", "Al-Shammari|Shammari=الشمري", "Mahmoud|Mahmud=محمود", "Nasr|Nassr=نصر",
}

var somaliMale = []string{
	"Mohamed|Mohamud|Maxamed|Mohammed", "Abdi|Cabdi", "Ahmed|Axmed", "Hassan|Xasan|Hasan", "Ali|Cali",
	"Omar|Cumar", "Abdullahi|Cabdullaahi|Abdilahi", "Yusuf|Yuusuf", "Ibrahim|Ibraahim", "Ismail|Ismaaciil",
	"Hussein|Xuseen|Hussen", "Farah|Faarax", "Warsame", "Abdirahman|Cabdiraxmaan|Abdurahman",
	"Abdikarim|Cabdikariin", "Mahad", "Liban", "Bashir|Bashiir", "Osman|Cismaan", "Nur|Nuur",
	"Jama|Jaamac", "Aden|Aadan", "Said|Saciid", "Guled", "Mukhtar|Mukhtaar", "Abdiwali|Cabdiwali",
	"Dahir|Daahir", "Hirsi|Xirsi", "Shire|Shiire", "Abdinasir|Cabdinaasir",
}

var somaliFemale = []string{
	"Fadumo|Faadumo|Fatuma", "Amina|Aamina", "Halima|Xaliimo|Halimo", "Hodan", "Sahra|Saxra|Sahro",
	"Asha|Caasha", "Maryan|Maryam", "Ifrah|Ifraax", "Hawa|Xaawo|Hawo", "Khadija|Khadiijo|Kadija",
	"Nimo", "Sagal", "Ayaan", "Deeqa|Deka", "Hibo", "Ubah|Ubax", "Fartun|Fartuun", "Leyla|Layla",
	"Muna", "Istahil|Istaahil", "Ruqiya|Ruqia", "Filsan", "Nasra|Nasro", "Samira|Samiira",
	"Zamzam", "Hamdi|Xamdi", "Safiya|Safiyo", "Anab|Canab", "Kaltun|Kaltuun", "Sucdi|Suad",
}

var hausaMale = []string{
	"Abubakar|Abubakr|Abu Bakar", "Musa|Moussa", "Ibrahim|Ibrahima", "Usman|Usmanu|Othman", "Aliyu|Aliu",
	"Sani|Sanni", "Bello|Belo", "Garba", "Haruna|Aruna", "Yakubu|Yaqub|Yakub", "Suleiman|Sulaiman|Sulaimanu",
	"Idris|Idrissa", "Lawal|Lawan", "Kabiru|Kabir", "Nasiru|Nasir", "Mustapha|Mustafa", "Shehu|Shehuh",
	"Umar|Umaru", "Danjuma", "Bashir|Bashiru", "Muhammadu|Mohammed", "Aminu|Amino", "Salisu|Salissou",
	"Tukur", "Yusuf|Yusufu", "Hamza|Hamisu", "Auwal|Auwalu", "Nuhu|Nuh", "Adamu|Adam", "Isa|Issa",
}

var hausaFemale = []string{
	"Aisha|Aishatu|Ayesha", "Fatima|Fatimah|Fati", "Hauwa|Hawa", "Zainab|Zainabu", "Amina|Aminatu",
	"Hadiza|Hadijah", "Maryam|Mariya", "Halima|Halimatu", "Binta", "Hafsat|Hafsatu", "Rukayya|Ruqayya",
	"Jamila|Jamilah", "Khadija|Kadija", "Asmau|Asma", "Safiya|Safiyya", "Zulaihat|Zuleiha",
	"Bilkisu|Balkisu", "Ladi", "Talatu", "Saratu|Sarratu", "Maimuna|Maimouna", "Rabi|Rabiatu",
	"Habiba|Habibatu", "Hajara|Hajarah", "Sadiya|Saadiya", "Zuwaira", "Murjanatu", "Kulu",
	"Asiya|Asiyah", "Lami",
}

var swahiliMale = []string{
	"Juma", "Baraka", "Hamisi|Hamis", "Rashidi|Rashid", "Bakari|Bakary", "Omari|Omar", "Salim|Salimu",
	"Musa", "Issa|Isa", "Hassani|Hassan", "Daudi|Dawudi", "Yohana|Johana", "Petro|Peter",
	"Emmanuel|Emanuel", "Amani", "Faraji", "Kassim|Kasimu", "Shabani|Shaban", "Mwinyi", "Zuberi|Zubeir",
	"Athumani|Athuman", "Joseph|Yusufu", "Idd|Iddi", "Ramadhani|Ramadani", "Selemani|Suleiman",
	"Abdallah|Abdala", "Mussa|Musa", "Elia|Eliya", "Nassoro|Nasoro", "Haruna",
}

var swahiliFemale = []string{
	"Amina", "Zawadi", "Neema|Nema", "Rehema|Rahma", "Mwajuma", "Halima", "Asha|Aisha", "Furaha",
	"Imani", "Grace|Gress", "Mariamu|Mariam", "Esther|Ester", "Upendo", "Subira", "Saida|Sayida",
	"Tatu", "Mwanaisha", "Josephine|Jozefina", "Rose|Roza", "Faith", "Mwanahawa", "Zuhura|Zuhra",
	"Salma|Salama", "Happiness|Hapiness", "Agnes|Agnesi", "Winfrida", "Pendo", "Mwanaidi",
	"Sophia|Sofia", "Nasra",
}

var swahiliFamily = []string{
	"Mushi", "Massawe|Masawe", "Mollel|Molel", "Kimaro", "Mrema", "Lyimo", "Swai", "Mbwambo",
	"Shirima", "Mwakyusa", "Habimana", "Niyonzima", "Ndayishimiye", "Hakizimana", "Nshimirimana",
	"Uwimana", "Bizimana", "Ntakirutimana", "Mukamana", "Kabila", "Tshibangu", "Mukendi", "Mohamedi",
	"Ally|Ali", "Mwamba", "Kiprono", "Otieno", "Wanjiru", "Kamau", "Njoroge",
}

var pashtoMale = []string{
	"Ahmad|Ahmed=احمد", "Mohammad|Muhammad|Mohammed=محمد", "Abdul Rahim|Abdulrahim=عبدالرحیم", "Gul|Gull=ګل",
	"Rahmatullah|Rahmatulla=رحمت الله", "Hamid|Hameed=حمید", "Karim|Kareem=کریم", "Naqibullah|Naqibulla=نقیب الله",
	"Wali|Vali=ولي", "Zabihullah|Zabiullah=ذبیح الله", "Farid|Fareed=فرید", "Jawad|Javad=جواد",
	"Mirwais|Mir Wais=میرویس", "Noor|Nur=نور", "Sayed|Sayyid|Said=سید", "Habibullah|Habibulla=حبیب الله",
	"Rashid|Rasheed=رشید", "Shafiq|Shafique=شفیق", "Bashir|Basheer=بشیر", "Aziz|Azeez=عزیز",
	"Najib|Najeeb=نجیب", "Samiullah|Samiulla=سمیع الله", "Khalid|Khaled=خالد", "Nasir|Naseer=نصیر",
	"Jamshid|Jamshed=جمشید", "Omid|Umid=امید", "Fawad|Fuad=فواد", "Haroon|Harun=هارون",
	"Idris|Edris=ادریس", "Sohrab|Suhrab=سهراب",
}

var pashtoFemale = []string{
	"Fatima|Fatema=فاطمه", "Maryam|Mariam=مریم", "Zahra|Zohra=زهرا", "Zarghuna|Zarghona=زرغونه",
	"Malalai|Malala=ملالۍ", "Nargis|Nargiz=نرگس", "Farishta|Fereshta|Freshta=فرشته", "Shabana=شبانه",
	"Mina|Meena=مینا", "Parwana|Parvana=پروانه", "Nasrin|Nasreen=نسرین", "Habiba|Habibah=حبیبه",
	"Gulalai|Gulalay=ګلالۍ", "Soraya|Suraya=ثریا", "Roya|Rowya=رویا", "Laila|Layla=لیلا",
	"Shakila|Shakeela=شکیلا", "Sima|Seema=سیما", "Nadia|Nadiya=نادیه", "Hamida|Hameeda=حمیده",
	"Marzia|Marziya=مرضیه", "Farzana|Farzanah=فرزانه", "Tahmina|Tahmeena=تهمینه", "Zakia|Zakiya=ذکیه",
	"Masooma|Masuma=معصومه", "Shirin|Shireen=شیرین", "Hasina|Haseena=حسینه", "Bibi Gul|Bibigul=بی بی ګل",
	"Anisa|Aneesa=انیسه", "Nilofar|Nilufar=نیلوفر",
}

var pashtoFamily = []string{
	"Ahmadzai|Ahmadzay", "Popalzai|Popalzay", "Durrani|Durani", "Hotak|Hotaki", "Karimi|Kareemi",
	"Rahimi|Raheemi", "Hussaini|Husseini|Hosseini", "Sultani", "Mohammadi|Muhammadi", "Noori|Nuri",
	"Safi", "Stanikzai|Stanekzai", "Wardak|Wardag", "Sadat|Saadat", "Amiri", "Azizi", "Haidari|Heidari",
	"Jalali", "Kakar", "Mangal", "Niazi", "Yousufzai|Yousafzai|Yusufzai", "Zazai", "Naseri|Nasiri",
	"Barakzai|Barakzay", "Alokozai|Alkozai", "Sahak", "Taraki", "Ghilzai|Ghilzay", "Habibi",
}

var rohingyaMale = []string{
	"Mohammed|Mohammad|Muhammad|Md", "Nur|Noor", "Abdul", "Hamid|Hamed", "Salim|Selim", "Rafiq|Rofik|Rafik",
	"Abul", "Kalam|Kalaam", "Jamal|Zamal", "Hussain|Hossain|Hussein", "Yasin|Yaseen", "Rashid|Roshid",
	"Kabir|Kobir", "Anwar|Anowar", "Sultan|Sultaan", "Ayub|Aiyub", "Zakir|Jakir", "Ismail|Esmail",
	"Shafi|Shofi", "Karim|Korim", "Jubair|Zubair", "Faisal|Foysal", "Enayet|Inayat", "Dil Mohammed|Dilmohammed",
	"Nurul|Norul", "Amin|Amen", "Sayed|Syed", "Hafiz|Hafez", "Osman|Usman", "Hashim|Hashem",
}

var rohingyaFemale = []string{
	"Jannat|Jannath", "Hasina|Hashina", "Rahima|Rohima", "Minara|Minera", "Rashida|Roshida",
	"Shamima|Shamim", "Setara|Sitara", "Tahera|Tahira", "Hamida|Homida", "Fatema|Fatima",
	"Asma|Asmaa", "Rabeya|Rabia", "Shahida|Shohida", "Khaleda|Kaleda", "Rozina|Rojina", "Jamila|Zamila",
	"Sanjida|Sonjida", "Ayesha|Aysha", "Rukia|Rokeya", "Nur Kayas|Nurkayas", "Dildar|Dilder",
	"Sabekun|Sabekunnahar", "Momtaz|Mumtaz", "Rehana|Rihana", "Kulsuma|Kulsum", "Hajera|Hajara",
	"Shokina|Sakina", "Fatema Khatun|Fatemakhatun", "Nurjahan|Nur Jahan", "Mabiya|Mabia",
}

var rohingyaMaleFamily = []string{
	"Ullah|Ulla", "Uddin|Udin", "Alam|Alom", "Hossain|Hussain", "Miah|Mia", "Islam|Eslam",
	"Rahman|Rahaman", "Haque|Hoque|Huq", "Ahmed|Ahmad", "Kabir|Kobir", "Hashim|Hashem", "Shah|Sha",
	"Ali|Aly", "Karim|Korim", "Amin|Amen",
}

var rohingyaFemaleFamily = []string{
	"Begum|Begom", "Khatun|Khatoon", "Bibi|Bebi", "Akter|Akhter|Aktar", "Nesa|Nessa", "Bahar|Bahaar",
	"Jahan|Jahaan", "Khanam|Khanom", "Sultana|Sultan", "Banu|Bano", "Ara|Ara", "Parvin|Parveen",
	"Nahar|Nahaar", "Kulsum|Kulsoom", "Yasmin|Yasmeen",
}

var ukrainianMale = []string{
	"Oleksandr|Olexandr|Aleksandr|Oleksander=Олександр", "Andrii|Andriy|Andrey=Андрій",
	"Serhii|Serhiy|Sergey|Sergii=Сергій", "Volodymyr|Wolodymyr|Vladimir=Володимир", "Mykola|Nikolai|Mikola=Микола",
	"Dmytro|Dmitro|Dmitry=Дмитро", "Ivan=Іван", "Yurii|Yuriy|Iurii=Юрій", "Vasyl|Vasil|Vasily=Василь",
	"Petro|Pyotr=Петро", "Ihor|Igor=Ігор", "Maksym|Maxim|Maksim=Максим", "Taras=Тарас",
	"Bohdan|Bogdan=Богдан", "Oleh|Oleg=Олег", "Viktor|Victor=Віктор", "Yaroslav|Iaroslav=Ярослав",
	"Mykhailo|Mikhail|Mykhaylo=Михайло", "Pavlo|Pavel=Павло", "Roman=Роман", "Artem|Artyom=Артем",
	"Denys|Denis=Денис", "Vitalii|Vitaliy|Vitaly=Віталій", "Anatolii|Anatoliy=Анатолій",
	"Yevhen|Evgen|Yevgeny=Євген", "Ruslan=Руслан", "Vadym|Vadim=Вадим", "Stepan=Степан",
	"Hryhorii|Grigory|Hryhoriy=Григорій", "Kostiantyn|Konstantin|Kostyantyn=Костянтин",
}

var ukrainianFemale = []string{
	"Olena|Elena=Олена", "Nataliia|Natalia|Nataliya=Наталія", "Iryna|Irina=Ірина", "Tetiana|Tetyana|Tatiana=Тетяна",
	"Svitlana|Svetlana=Світлана", "Oksana=Оксана", "Yuliia|Yulia|Iuliia=Юлія", "Kateryna|Katerina|Ekaterina=Катерина",
	"Mariia|Maria|Mariya=Марія", "Anna|Hanna|Ganna=Ганна", "Liudmyla|Lyudmyla|Ludmila=Людмила",
	"Halyna|Galina|Halina=Галина", "Valentyna|Valentina=Валентина", "Nadiia|Nadia|Nadiya=Надія",
	"Olha|Olga=Ольга", "Viktoriia|Viktoria|Victoria=Вікторія", "Anastasiia|Anastasia|Anastasiya=Анастасія",
	"Daryna|Darina=Дарина", "Sofiia|Sofia|Sofiya=Софія", "Larysa|Larisa=Лариса", "Alina=Аліна",
	"Inna=Інна", "Lesia|Lesya=Леся", "Zoriana|Zoryana=Зоряна", "Khrystyna|Kristina|Khristina=Христина",
	"Liliia|Lilia|Liliya=Лілія", "Vira|Vera=Віра", "Lidiia|Lidia=Лідія", "Ivanna=Іванна", "Polina=Поліна",
}

var ukrainianFamily = []string{
	"Shevchenko=Шевченко", "Kovalenko=Коваленко", "Bondarenko|Bondarenco=Бондаренко", "Tkachenko=Ткаченко",
	"Kravchenko=Кравченко", "Boiko|Boyko=Бойко", "Kovalchuk|Kowalczuk=Ковальчук", "Oliinyk|Oleinik|Oliynyk=Олійник",
	"Shevchuk=Шевчук", "Polishchuk|Polischuk=Поліщук", "Lysenko|Lisenko=Лисенко", "Marchenko=Марченко",
	"Melnyk|Melnik=Мельник", "Moroz=Мороз", "Tkachuk=Ткачук", "Savchenko=Савченко", "Rudenko=Руденко",
	"Petrenko=Петренко", "Klymenko|Klimenko=Клименко", "Pavlenko=Павленко", "Kuzmenko=Кузьменко",
	"Ponomarenko=Пономаренко", "Vasylenko|Vasilenko=Василенко", "Levchenko=Левченко",
	"Kharchenko|Harchenko=Харченко", "Savchuk=Савчук", "Karpenko=Карпенко", "Hrytsenko|Gritsenko=Гриценко",
	"Zinchenko=Зінченко", "Sydorenko|Sidorenko=Сидоренко",
}

var spanishMale = []string{
	"José|Jose", "Juan", "Luis|Luiz", "Carlos", "Jesús|Jesus", "Miguel", "Jorge", "Pedro", "Francisco",
	"Antonio", "Manuel", "Alejandro", "Rafael", "Daniel", "David", "Ángel|Angel", "Andrés|Andres",
	"Fernando", "Ricardo", "Javier|Xavier", "Eduardo", "Óscar|Oscar", "Víctor|Victor", "Héctor|Hector",
	"Wilmer|Wilmar", "Yeferson|Jeferson|Jefferson", "Jhon|John|Jon", "Kevin|Kevyn", "Brayan|Bryan|Brian",
	"Yorman|Jorman",
}

var spanishFemale = []string{
	"María|Maria", "Ana", "Carmen", "Rosa", "Yolanda", "Luisa", "Gabriela", "Daniela", "Andrea",
	"Valentina", "Camila", "Sofía|Sofia", "Isabel|Isabela", "Patricia", "Mariela", "Yesenia|Yessenia|Jesenia",
	"Yuleidy|Yuleydi|Yulady", "Milagros", "Carolina", "Lucía|Lucia", "Fernanda", "Paola", "Claudia",
	"Beatriz|Beatris", "Yenny|Jenny|Yeny", "Dayana|Diana", "Katherine|Katerin|Catherine", "Leidy|Lady",
	"Yuliana|Juliana", "Marisol",
}

var spanishFamily = []string{
	"García|Garcia", "Rodríguez|Rodriguez", "González|Gonzalez", "Hernández|Hernandez", "López|Lopez",
	"Martínez|Martinez", "Pérez|Perez", "Sánchez|Sanchez", "Ramírez|Ramirez", "Torres", "Flores",
	"Rivera", "Gómez|Gomez", "Díaz|Diaz", "Morales", "Vásquez|Vasquez|Vazquez", "Castillo",
	"Jiménez|Jimenez|Gimenez", "Romero", "Herrera", "Medina", "Aguilar", "Mendoza|Mendosa", "Rojas",
	"Suárez|Suarez", "Gutiérrez|Gutierrez", "Contreras", "Silva", "Ortiz|Ortis", "Chávez|Chavez",
}

var frenchMale = []string{
	"Jean", "Pierre", "Jean-Baptiste|Jean Baptiste", "Joseph", "Emmanuel", "Patrick", "Olivier",
	"Christian", "Didier", "Serge", "Éric|Eric", "Alain", "François|Francois", "Michel", "Thierry",
	"Claude", "Lucien", "Marcel", "Pascal", "Fabrice", "Gérard|Gerard", "Théodore|Theodore", "Innocent",
	"Dieudonné|Dieudonne", "Jean-Claude|Jean Claude", "Bienvenu|Bienvenue", "Justin", "Prosper",
	"Célestin|Celestin", "Honoré|Honore",
}

var frenchFemale = []string{
	"Marie", "Jeanne", "Claudine", "Josiane", "Françoise|Francoise", "Christine", "Chantal",
	"Béatrice|Beatrice", "Solange", "Pascaline", "Espérance|Esperance", "Clarisse", "Nadège|Nadege",
	"Odette", "Germaine", "Jacqueline", "Mireille", "Séraphine|Seraphine", "Judith", "Sandrine", "Aline",
	"Brigitte", "Angélique|Angelique", "Véronique|Veronique", "Marie-Claire|Marie Claire", "Henriette",
	"Joséphine|Josephine", "Rachel|Rachelle", "Immaculée|Immaculee", "Gisèle|Gisele",
}

var frenchFamily = []string{
	"Mbala", "Kabongo", "Ilunga", "Mutombo", "Kasongo", "Tshimanga", "Mwamba", "Kalala", "Nkulu",
	"Lukusa", "Mbuyi", "Ngoy|Ngoyi", "Kanku", "Mpoyi|Mpoy", "Nzeza", "Makiese", "Mukeba", "Ntumba",
	"Mulumba", "Kalonji|Kalondji", "Banza", "Tshibola", "Lumbala", "Kabamba", "Ngalula", "Joseph",
	"Pierre", "Charles", "Louis", "Jean-Louis|Jean Louis",
}
