"""Common first names and surnames in Sweden, for invented demo participants and staff.

Mostly names that are frequent in Sweden across generations, with a share of names common
among people born abroad, as the participants of samordningsförbund's insatser are.
"""

from __future__ import annotations

# fmt: off
WOMEN: tuple[str, ...] = (
    "Anna", "Eva", "Maria", "Karin", "Sara", "Kristina", "Lena", "Emma", "Kerstin", "Ingrid",
    "Marie", "Malin", "Jenny", "Hanna", "Linda", "Annika", "Susanne", "Elin", "Monica",
    "Birgitta", "Johanna", "Sofia", "Carina", "Elisabeth", "Julia", "Ida", "Camilla", "Helena",
    "Ulla", "Linnéa", "Anneli", "Therese", "Frida", "Åsa", "Ebba", "Matilda", "Lisa", "Louise",
    "Caroline", "Amanda", "Madeleine", "Jessica", "Sandra", "Maja", "Alva", "Elsa", "Alice",
    "Ella", "Wilma", "Klara", "Moa", "Felicia", "Josefin", "Rebecka", "Emelie", "Nathalie",
    "Tove", "Sofie", "Lina", "Paulina", "Cecilia", "Helen", "Agneta", "Gunilla", "Ann-Sofie",
    "Pernilla", "Petra", "Veronica", "Anette", "Charlotte", "Mikaela", "Isabelle", "Tilda",
    "Agnes", "Stina", "Lovisa", "Vendela", "Hedvig", "Emilia", "Nora", "Saga", "Elvira",
    "Tindra", "Minna", "Jonna", "Hilda", "Sanna", "Jasmine", "Nadia", "Fatima", "Amina",
    "Maryam", "Leila", "Hodan", "Nasra", "Aisha", "Zeinab", "Yasmin", "Mona", "Marwa",
)

MEN: tuple[str, ...] = (
    "Lars", "Mikael", "Anders", "Johan", "Erik", "Per", "Peter", "Karl", "Thomas", "Jan",
    "Daniel", "Fredrik", "Andreas", "Stefan", "Hans", "Mattias", "Marcus", "Magnus", "Jonas",
    "Oskar", "Niklas", "Martin", "Bengt", "Alexander", "Viktor", "Henrik", "Robert", "Joakim",
    "Simon", "Emil", "Sebastian", "Christian", "Patrik", "Björn", "Filip", "Jakob", "Anton",
    "William", "Lucas", "Oliver", "Elias", "Hugo", "Axel", "Isak", "Ludvig", "Gustav", "Adam",
    "Albin", "Linus", "Rasmus", "Tobias", "David", "Kevin", "Jesper", "Pontus", "Robin", "Mats",
    "Ulf", "Leif", "Kjell", "Göran", "Roger", "Tommy", "Dennis", "Joel", "Jimmy", "Kristoffer",
    "Sven", "Olof", "Nils", "Gunnar", "Rolf", "Håkan", "Bo", "Jörgen", "Kent", "Arvid",
    "Melvin", "Noah", "Liam", "Theo", "Vincent", "Edvin", "Måns", "Leo", "Sixten", "Ture",
    "Torbjörn", "Mohammed", "Ali", "Ahmed", "Hassan", "Omar", "Yusuf", "Abdi", "Ibrahim",
    "Mustafa", "Samir", "Amir", "Said",
)

SURNAMES: tuple[str, ...] = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson",
    "Bengtsson", "Jönsson", "Lindberg", "Jakobsson", "Magnusson", "Olofsson", "Lindström",
    "Lindqvist", "Lindgren", "Axelsson", "Berg", "Bergström", "Lundberg", "Lind", "Lundgren",
    "Lundqvist", "Mattsson", "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Forsberg",
    "Sjöberg", "Wallin", "Engström", "Eklund", "Danielsson", "Lundin", "Håkansson", "Björk",
    "Bergman", "Gunnarsson", "Holm", "Wikström", "Samuelsson", "Isaksson", "Fransson",
    "Bergqvist", "Nyström", "Holmberg", "Arvidsson", "Löfgren", "Söderberg", "Nyberg",
    "Blomqvist", "Claesson", "Nordström", "Mårtensson", "Lundström", "Viklund", "Björklund",
    "Eliasson", "Pålsson", "Berggren", "Sandström", "Lund", "Nordin", "Ström", "Åberg",
    "Hermansson", "Ekström", "Holmgren", "Sundberg", "Hedlund", "Dahlberg", "Hellström",
    "Sjögren", "Abrahamsson", "Falk", "Martinsson", "Öberg", "Andreasson", "Strömberg",
    "Månsson", "Åkesson", "Sundström", "Ek", "Dahl", "Ersson", "Hedman", "Mohamed", "Ali",
    "Ahmed", "Hassan", "Hussein", "Yilmaz", "Nguyen", "Omar",
)
# fmt: on
