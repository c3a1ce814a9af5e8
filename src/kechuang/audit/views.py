from django.http import HttpResponse


def change_list(request):
    return HttpResponse("stub")


def authevent_list(request):
    return HttpResponse("stub")
