package registry

import (
	"strconv"
	"strings"
)

// ruleMessages holds each rule's message in every language. {0}, {1}… are
// the FieldError's Params. Every rule has every language of Languages: a
// test checks it.
var ruleMessages = map[string]Labels{
	RuleRequired: {
		"en": "this field is required",
		"fr": "ce champ est obligatoire",
		"es": "este campo es obligatorio",
		"ar": "هذا الحقل مطلوب",
	},
	RuleType: {
		"en": "not a valid {0} value",
		"fr": "valeur non valide pour le type {0}",
		"es": "valor no válido para el tipo {0}",
		"ar": "قيمة غير صالحة من النوع {0}",
	},
	RuleChoice: {
		"en": "not one of the choices",
		"fr": "ne fait pas partie des choix",
		"es": "no es una de las opciones",
		"ar": "ليس من الخيارات المتاحة",
	},
	RuleMin: {
		"en": "must be at least {0}",
		"fr": "doit être au moins {0}",
		"es": "debe ser como mínimo {0}",
		"ar": "يجب ألا تقل القيمة عن {0}",
	},
	RuleMax: {
		"en": "must be at most {0}",
		"fr": "doit être au plus {0}",
		"es": "debe ser como máximo {0}",
		"ar": "يجب ألا تزيد القيمة عن {0}",
	},
	RuleMaxLength: {
		"en": "must be at most {0} characters",
		"fr": "ne doit pas dépasser {0} caractères",
		"es": "no debe superar {0} caracteres",
		"ar": "يجب ألا يتجاوز {0} حرفًا",
	},
	RulePattern: {
		"en": "is not in the expected format",
		"fr": "n’est pas au format attendu",
		"es": "no tiene el formato esperado",
		"ar": "ليس بالصيغة المطلوبة",
	},
	RuleFutureDate: {
		"en": "date is in the future",
		"fr": "la date est dans le futur",
		"es": "la fecha está en el futuro",
		"ar": "التاريخ في المستقبل",
	},
	RuleAgeRange: {
		"en": "age must be between 0 and {0} years",
		"fr": "l’âge doit être compris entre 0 et {0} ans",
		"es": "la edad debe estar entre 0 y {0} años",
		"ar": "يجب أن يكون العمر بين 0 و{0} سنة",
	},
	RuleUnknownField: {
		"en": "this form has no such field",
		"fr": "ce formulaire n’a pas ce champ",
		"es": "este formulario no tiene este campo",
		"ar": "هذا الحقل غير موجود في الاستمارة",
	},
	RuleUnknownKind: {
		"en": "no form for records of kind “{0}”",
		"fr": "aucun formulaire pour les fiches de type « {0} »",
		"es": "no hay formulario para registros de tipo «{0}»",
		"ar": "لا توجد استمارة لسجلات من نوع «{0}»",
	},
	RuleOneHead: {
		"en": "a household needs exactly one head (found {0})",
		"fr": "un ménage doit avoir exactement un chef (trouvé : {0})",
		"es": "un hogar debe tener exactamente un jefe (encontrados: {0})",
		"ar": "يجب أن يكون للأسرة ربّ أسرة واحد فقط (العدد الحالي: {0})",
	},
	RuleConsent: {
		"en": "consent must be given to register",
		"fr": "le consentement est nécessaire pour l’enregistrement",
		"es": "se necesita el consentimiento para registrar",
		"ar": "يجب الحصول على الموافقة قبل التسجيل",
	},
	RuleMaxChoices: {
		"en": "choose at most {0}",
		"fr": "choisissez au plus {0} réponses",
		"es": "elija como máximo {0}",
		"ar": "اختر {0} كحد أقصى",
	},
	RuleEncoding: {
		"en": "is not valid UTF-8 text",
		"fr": "n’est pas un texte UTF-8 valide",
		"es": "no es un texto UTF-8 válido",
		"ar": "ليس نصًا صالحًا بترميز UTF-8",
	},
	RuleNormalization: {
		"en": "is not in Unicode normal form (NFC)",
		"fr": "n’est pas en forme normale Unicode (NFC)",
		"es": "no está en forma normal Unicode (NFC)",
		"ar": "ليس بصيغة يونيكود القياسية (NFC)",
	},
	RuleControl: {
		"en": "contains a control character",
		"fr": "contient un caractère de contrôle",
		"es": "contiene un carácter de control",
		"ar": "يحتوي على حرف تحكم",
	},
	RuleBidi: {
		"en": "contains a text-direction control character",
		"fr": "contient un caractère de contrôle du sens d’écriture",
		"es": "contiene un carácter de control de la dirección del texto",
		"ar": "يحتوي على حرف تحكم في اتجاه النص",
	},
	RuleTooLong: {
		"en": "is too long (at most {0} bytes)",
		"fr": "est trop long (au plus {0} octets)",
		"es": "es demasiado largo (como máximo {0} bytes)",
		"ar": "طويل جدًا (الحد الأقصى {0} بايت)",
	},
	RuleMember: {
		"en": "member does not belong to household {0}",
		"fr": "ce membre n’appartient pas au ménage {0}",
		"es": "este miembro no pertenece al hogar {0}",
		"ar": "هذا الفرد لا ينتمي إلى الأسرة {0}",
	},
}

// ruleMessage renders a rule's message in lang with its parameters. An
// unknown rule gives the rule code itself, so a newer peer's error still
// says something.
func ruleMessage(rule, lang string, params []string) string {
	tmpl, ok := ruleMessages[rule]
	if !ok {
		return rule + " " + strings.Join(params, " ")
	}
	msg := tmpl.In(lang)
	for i, p := range params {
		msg = strings.ReplaceAll(msg, "{"+strconv.Itoa(i)+"}", p)
	}
	return msg
}
